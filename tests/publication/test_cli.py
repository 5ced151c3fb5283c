"""omslag publish, unpublish and export open."""

import csv
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from omslag.publication.models import Kind, Publication

pytestmark = pytest.mark.django_db


def test_publish_then_nothing_to_do_then_unpublish(org, registers, capsys):
    source_id = registers[Kind.ALGORITHM]
    call_command("publish", "algorithm", str(source_id), org=org.slug)
    assert "published version 1" in capsys.readouterr().out
    call_command("publish", "algorithm", str(source_id), org=org.slug)
    assert "up to date" in capsys.readouterr().out
    call_command("unpublish", "algorithm", str(source_id), org=org.slug, reason="Buiten gebruik")
    notice = Publication.objects.get(kind=Kind.ALGORITHM, source_id=source_id)
    assert notice.withdrawal_reason == "Buiten gebruik" and notice.is_withdrawn
    # Publishing again after a withdrawal makes a new, public version.
    call_command("publish", "algorithm", str(source_id), org=org.slug)
    assert "published version 2" in capsys.readouterr().out


def test_bad_input_gives_a_clear_message(org, registers):
    with pytest.raises(CommandError, match="no such record"):
        call_command("publish", "project", "9999", org=org.slug)
    with pytest.raises(CommandError, match="Unknown organisation"):
        call_command("publish", "project", "1", org="nobody")
    with pytest.raises(CommandError, match="not published"):
        call_command("unpublish", "project", str(registers[Kind.PROJECT]), org=org.slug, reason="x")


def test_export_open_writes_every_dataset_and_the_catalogue(org, registers, tmp_path):
    for kind, source_id in registers.items():
        call_command("publish", kind, str(source_id), org=org.slug)
    call_command("export", "open", org=org.slug, format="csv", output=tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "algorithms.csv",
        "balance-years.csv",
        "catalogue.json",
        "catalogue.jsonld",
        "challenges.csv",
        "experiments.csv",
        "lessons.csv",
        "projects.csv",
    ]
    with (tmp_path / "projects.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == ["Nieuw zaaksysteem"]
    catalogue = json.loads((tmp_path / "catalogue.json").read_text())
    assert len(catalogue["datasets"]) == 6
    assert catalogue["datasets"][0]["distributions"][0]["downloadURL"].startswith(
        "http://localhost:8000/open/"
    )


def test_the_demo_publishes_most_records_and_keeps_some_back(client, capsys):
    from omslag.demo.loading import demo_load

    demo_load(password="demo-password-for-tests")
    count = Publication.objects.count()
    demo_load(password="demo-password-for-tests")  # loading twice changes nothing
    assert Publication.objects.count() == count
    published = Publication.objects.filter(status=Publication.Status.APPROVED)
    kinds = set(published.values_list("kind", flat=True))
    assert kinds == set(Kind.values)
    assert Publication.objects.filter(status=Publication.Status.PROPOSED).count() == 1
    from omslag.projects.models import Project

    assert published.filter(kind=Kind.PROJECT).count() < Project.objects.count()
    start = client.get("/open/").content.decode()
    assert "Gemeente Wadderveen" in start and "Ministerie van Digitale Zaken" in start
