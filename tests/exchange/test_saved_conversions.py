"""Saved conversions of another system's register, through the command line, the API and the
web preview: created from the shipped example, used by an import, shown, listed and deleted;
a conversion that cannot be used is refused saying where; another organisation's mapping is
not found."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from omslag.exchange.models import ColumnMapping, ImportJob
from omslag.projects.models import Project
from tests.api.calls import call, ok, problem
from tests.conftest import api_client_for
from tests.factories import member

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "conversions"
CONVERSION = EXAMPLES / "one-row-per-project.json"
REGISTER = EXAMPLES / "one-row-per-project.csv"

pytestmark = pytest.mark.django_db


def omslag(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_command_line_creates_uses_shows_lists_and_deletes_a_conversion(tree):
    ministry, *_ = tree
    saved = omslag(
        "mapping", "create", "zweeds", "--org", ministry.slug, "--kind", "projects",
        "--file", str(CONVERSION),
    )  # fmt: skip
    assert "zweeds" in saved
    assert "zweeds" in omslag("mapping", "list", "--org", ministry.slug)
    shown = json.loads(
        omslag("mapping", "show", "zweeds", "--org", ministry.slug, "--kind", "projects")
    )
    assert shown == json.loads(CONVERSION.read_text())
    omslag("import", "projects", str(REGISTER), "--org", ministry.slug, "--mapping", "zweeds")
    projects = Project.objects.filter(organisation=ministry)
    assert projects.count() == 3 and set(projects.values_list("currency", flat=True)) == {"SEK"}
    omslag("mapping", "delete", "zweeds", "--org", ministry.slug, "--kind", "projects")
    assert not ColumnMapping.objects.exists()


def test_the_command_line_refuses_a_conversion_that_cannot_be_used(tree, tmp_path):
    ministry, *_ = tree
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"columns": {"Budget": {"to": "total_cost_estimate", "decimal": ";"}}})
    )
    with pytest.raises(CommandError, match="columns › Budget › decimal"):
        omslag(
            "mapping", "create", "x", "--org", ministry.slug, "--kind", "projects",
            "--file", str(bad),
        )  # fmt: skip
    wrong_target = tmp_path / "target.json"
    wrong_target.write_text(json.dumps({"columns": {"Budget": {"to": "budget_in_guilders"}}}))
    with pytest.raises(CommandError, match="budget_in_guilders"):
        omslag(
            "mapping", "create", "x", "--org", ministry.slug, "--kind", "projects",
            "--file", str(wrong_target),
        )  # fmt: skip
    assert not ColumnMapping.objects.exists()


def test_the_api_creates_reads_and_deletes_a_conversion(tree):
    ministry, _agency, municipality = tree
    api = api_client_for(member("admin", ministry))
    body = {
        "organisation": ministry.slug,
        "kind": "projects",
        "name": "zweeds",
        "conversion": json.loads(CONVERSION.read_text()),
    }
    created = ok(call(api, "post", "/column-mappings", body), 201)
    assert created["conversion"]["currency"] == "SEK"
    assert created["columns"]["Planned cost (M SEK)"] == "planned_cost"
    read = ok(call(api, "get", "/column-mappings/{id}", id=created["id"]))
    assert read["conversion"] == json.loads(CONVERSION.read_text())
    # Another organisation's administrator does not find it.
    stranger = api_client_for(member("admin", municipality))
    problem(call(stranger, "get", "/column-mappings/{id}", id=created["id"]), 404)
    problem(call(stranger, "delete", "/column-mappings/{id}", id=created["id"]), 404)
    broken = {**body, "conversion": {"columns": {"B": {"to": "name", "date": "dd-mm"}}}}
    refused = problem(call(api, "post", "/column-mappings", broken), 422)
    assert "columns › B › date" in json.dumps(refused, ensure_ascii=False)
    assert "%d-%m-%Y" in refused["detail"]
    assert call(api, "delete", "/column-mappings/{id}", id=created["id"]).status_code == 204
    assert not ColumnMapping.objects.exists()


def test_the_web_preview_shows_the_converted_rows_and_the_problems(tree):
    ministry, *_ = tree
    client = Client()
    client.force_login(member("admin", ministry))
    text = REGISTER.read_text().replace('"4,2"', '"4.2"')  # row 3: a point, not a comma
    response = client.post(
        f"/organisations/{ministry.slug}/import",
        {
            "kind": "projects",
            "file": SimpleUploadedFile("register.csv", text.encode()),
            "mapping": "",
        },
    )
    job = ImportJob.objects.get()
    assert job.status == "problems"  # the file's own columns are not omslag's
    page = client.get(response["Location"]).content.decode()
    assert "Omzetting (JSON)" in page  # the form to write a conversion
    answer = client.post(
        response["Location"],
        {
            "form": "conversion",
            "conversion-name": "zweeds",
            "conversion-conversion": CONVERSION.read_text(),
        },
    )
    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.mapping.name == "zweeds" and job.status == "problems"
    page = client.get(response["Location"]).content.decode()
    # The first rows as they will be read: 12,5 million kronor written as 12500000.
    assert "12500000" in page and "2022-04-01" in page
    # The problem names the file's row and column.
    assert "Planned cost (M SEK)" in page and '<td class="number">3</td>' in page
    assert not Project.objects.exists()
    # A conversion that is no JSON is refused on the form, and nothing changes.
    answer = client.post(
        response["Location"],
        {"form": "conversion", "conversion-name": "kapot", "conversion-conversion": "{"},
    )
    assert answer.status_code == 200 and not ColumnMapping.objects.filter(name="kapot").exists()
