"""A unit measured twice in the same group and period would weigh double in the summaries:
the upload is refused naming both rows, through the service and the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from omslag.innovation import services
from omslag.innovation.models import MeasurementSummary, Stage

from ..innovation.test_core import experiment


def upload(exp, lines):
    return services.upload_save(
        actor=None,
        experiment=exp,
        stream=io.BytesIO("\n".join(lines).encode()),
        filename="units.csv",
    )


@pytest.fixture
def running(tree):
    return experiment(tree[2], stage=Stage.RUNNING)


def test_a_repeated_unit_is_refused_with_both_rows(running):
    lines = [
        "unit,group,minutes",
        "u1,control,3",
        "u2,control,4",
        "u3,treatment,5",
        "u4,treatment,6",
        "u1,control,3",
        "u2,treatment,4",
        "u4,treatment,7",
    ]
    with pytest.raises(services.MeasurementProblems) as refused:
        upload(running, lines)
    found = [(p.row, p.column, p.value, p.reason) for p in refused.value.problems]
    assert found == [
        (6, "unit", "u1", "the same unit, group and period as row 2"),
        (8, "unit", "u4", "the same unit, group and period as row 5"),
    ]
    assert refused.value.total == 2
    assert not MeasurementSummary.objects.filter(experiment=running).exists()


def test_the_same_unit_in_another_period_is_a_panel_not_a_repeat(running):
    lines = ["unit,group,period,minutes"] + [
        f"u{i},{'control' if i % 2 else 'treatment'},{period},{i}"
        for period in ("before", "after")
        for i in range(6)
    ]
    assert upload(running, lines).rows == 12


def test_the_api_answers_422_naming_the_row(tree, make_member, api_for, running):
    client = api_for(make_member("editor", tree[2]))
    content = b"unit,group,minutes\nu1,control,3\nu2,treatment,4\nu1,control,3\nu3,treatment,1\n"
    response = client.post(
        f"/api/v1/experiments/{running.pk}/measurement-uploads",
        {"file": SimpleUploadedFile("units.csv", content)},
        format="multipart",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(4, "unit")]
