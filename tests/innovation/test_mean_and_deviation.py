"""Measurements given as count, mean and standard deviation (what most policy teams have):
kept exactly, so an evaluation of a small spread beside a large mean agrees with scipy, where
the same numbers as sums are refused with a clear message, never evaluated wrongly."""

import math
from fractions import Fraction

import pytest
from django.test import Client
from scipy import stats

from omslag.common.errors import RuleViolation
from omslag.innovation import services
from omslag.innovation.models import MeasurementSummary, Stage
from omslag.organisations.models import Role
from tests.conftest import api_client_for

from .test_core import experiment

CONTROL = (50, 100_000.0, 1.0)  # count, mean, standard deviation
TREATMENT = (50, 100_000.4, 1.1)


@pytest.fixture
def org(tree):
    return tree[2]


def welch_of(exp):
    evaluations = services.experiment_evaluate(actor=None, experiment=exp)
    return next(e for e in evaluations if e.method == "welch")


def test_mean_and_deviation_through_the_api_evaluate_exactly(org, make_member):
    exp = experiment(org, Stage.RUNNING)
    client = api_client_for(make_member(Role.EDITOR, org))
    rows = [
        {"metric": "m", "group": label, "count": n, "mean": mean, "standardDeviation": sd}
        for label, (n, mean, sd) in (("control", CONTROL), ("treatment", TREATMENT))
    ]
    response = client.post(f"/api/v1/experiments/{exp.pk}/measurements", rows, format="json")
    assert response.status_code == 201, response.content
    stored = MeasurementSummary.objects.get(experiment=exp, group="treatment")
    assert stored.squared_deviations == 1.1**2 * 49  # sd**2 * (n - 1), as given

    welch = welch_of(exp)

    reference = stats.ttest_ind_from_stats(100_000.4, 1.1, 50, 100_000.0, 1.0, 50, False)
    assert welch.result["p_value"] == pytest.approx(reference.pvalue, rel=1e-9)
    assert welch.result["statistic"] == pytest.approx(0.4 / math.sqrt(2.21 / 50), rel=1e-6)


def test_the_same_numbers_as_sums_are_refused_with_the_reason(org):
    exp = experiment(org, Stage.RUNNING)
    items = []
    for label, (n, mean, sd) in (("control", CONTROL), ("treatment", TREATMENT)):
        total = Fraction(mean) * n
        squares = Fraction(sd) ** 2 * (n - 1) + total**2 / n
        items.append(services.SummaryInput("m", label, "", n, float(total), float(squares)))
    services.summaries_save(actor=None, experiment=exp, items=items)

    with pytest.raises(RuleViolation, match="too little precision in the sums"):
        services.experiment_evaluate(actor=None, experiment=exp)
    assert not exp.evaluations.exists()  # not even the sample-ratio check, on its own


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"sum": 1.0, "sumOfSquares": 2.0, "mean": 1.0, "standardDeviation": 1.0}, "0.sum"),
        ({"mean": 1.0}, "0.standardDeviation"),
        ({"mean": 1e200, "standardDeviation": 1.0}, "0.mean"),
        ({"mean": 1.0, "standardDeviation": -1.0}, "0.standardDeviation"),
    ],
)
def test_bad_mean_and_deviation_rows_are_400_naming_the_field(org, make_member, row, field):
    exp = experiment(org, Stage.RUNNING)
    client = api_client_for(make_member(Role.EDITOR, org))
    response = client.post(
        f"/api/v1/experiments/{exp.pk}/measurements",
        [{"metric": "m", "group": "control", "count": 10, **row}],
        format="json",
    )
    assert response.status_code == 400
    assert field in {p["name"] for p in response.json()["invalidParams"]}


def test_the_summaries_form_takes_mean_and_standard_deviation(org, make_member):
    exp = experiment(org, Stage.RUNNING)
    client = Client()
    client.force_login(make_member(Role.EDITOR, org))
    data = {"summary-metric": "m", "summary-period": ""}
    for key, (n, mean, sd) in (("control", CONTROL), ("treatment", TREATMENT)):
        data |= {
            f"summary-{key}_count": str(n),
            f"summary-{key}_mean": str(mean).replace(".", ","),  # localised, as typed
            f"summary-{key}_standard_deviation": str(sd).replace(".", ","),
        }
    response = client.post(f"/experiments/{exp.pk}/measurements/summaries", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    stored = MeasurementSummary.objects.get(experiment=exp, group="control")
    assert stored.squared_deviations == 49.0 and stored.total == 5_000_000.0
    assert welch_of(exp).result["p_value"] == pytest.approx(
        stats.ttest_ind_from_stats(100_000.4, 1.1, 50, 100_000.0, 1.0, 50, False).pvalue,
        rel=1e-9,
    )
