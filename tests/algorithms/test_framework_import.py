"""The Algoritmekader import, checked against the published files themselves."""

import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command

from omslag.algorithms.models import Measure, Phase, Requirement
from omslag.algorithms.services import algoritmekader_import


def _files(directory, folder):
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((directory / folder).glob("*.yaml"))
    }


def test_import_holds_every_requirement_measure_and_link_of_the_files(framework, framework_dir):
    requirements = _files(framework_dir, "requirements")
    measures = _files(framework_dir, "measures")
    assert Requirement.objects.count() == len({r["urn"] for r in requirements.values()}) == 63
    assert Measure.objects.count() == len(measures) == 105
    # Links as the measure files state them, one per measure file and requirement.
    expected = {(stem, urn) for stem, m in measures.items() for urn in m["links"]}
    stored = set(
        Measure.requirements.through.objects.values_list("measure__key", "requirement__urn")
    )
    assert stored == expected
    # Every link a requirement file states is there too (from the measure side).
    by_urn = {}
    for stem, m in measures.items():
        by_urn.setdefault(m["urn"], set()).add(stem)
    for requirement in requirements.values():
        for measure_urn in requirement["links"]:
            assert any((stem, requirement["urn"]) in stored for stem in by_urn[measure_urn])
    assert (
        list(Phase.objects.values_list("name", flat=True))
        == yaml.safe_load((framework_dir / "lifecycles" / "lifecycles.yaml").read_text())[
            "lifecycles"
        ]
    )


def test_requirement_keeps_its_profile_phases_and_text(framework, framework_dir):
    data = yaml.safe_load(
        (framework_dir / "requirements" / "aia-03-risicobeheersysteem.yaml").read_text()
    )
    requirement = Requirement.objects.get(urn="urn:nl:ak:ver:aia-03")
    assert requirement.name == data["name"]
    assert requirement.description == data["description"].strip()
    assert requirement.phases == data["lifecycle"]
    assert requirement.ai_act_profiles == data["ai_act_profile"]
    assert requirement.always_applicable is False


def test_the_urns_two_measure_files_share_are_reported_and_both_measures_kept(framework):
    notices = " ".join(str(n) for n in framework.notices)
    for urn in ("urn:nl:ak:mtr:owp-11", "urn:nl:ak:mtr:owk-09", "urn:nl:ak:mtr:mon-05"):
        assert urn in notices
        assert Measure.objects.filter(urn=urn).count() == 2


def test_importing_again_changes_nothing(framework, framework_dir):
    before = list(Measure.objects.order_by("pk").values())
    again = algoritmekader_import(directory=framework_dir)
    assert again.ok and not again.changed
    assert again.unchanged["requirements"] == 63 and again.unchanged["measures"] == 105
    assert list(Measure.objects.order_by("pk").values()) == before


@pytest.fixture
def copy_of_files(tmp_path, framework_dir):
    target = tmp_path / "algoritmekader"
    shutil.copytree(framework_dir, target)
    return target


def test_a_measure_linking_an_unknown_requirement_is_refused_naming_file_and_path(
    db, copy_of_files
):
    path = copy_of_files / "measures" / "0-org-03-toepassen-risicobeheer.yaml"
    data = yaml.safe_load(path.read_text())
    data["links"].append("urn:nl:ak:ver:xyz-99")
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    report = algoritmekader_import(directory=copy_of_files)
    assert not report.ok
    problem = next(p for p in report.problems if "xyz-99" in p.reason)
    assert problem.file == "measures/0-org-03-toepassen-risicobeheer.yaml"
    assert problem.path == "links[2]"
    assert Requirement.objects.count() == 0  # nothing half-saved


def test_a_file_against_the_schema_facts_is_reported_with_file_path_and_reason(db, copy_of_files):
    path = copy_of_files / "requirements" / "aia-03-risicobeheersysteem.yaml"
    data = yaml.safe_load(path.read_text())
    data["ai_act_profile"][0]["risk_group"] = ["een beetje risico"]
    del data["url"]
    data["lifecycle"] = ["koffie"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    report = algoritmekader_import(directory=copy_of_files)
    found = {(p.file, p.path) for p in report.problems}
    name = "requirements/aia-03-risicobeheersysteem.yaml"
    assert (name, "ai_act_profile[0].risk_group[0]") in found
    assert (name, "url") in found
    assert (name, "lifecycle[0]") in found
    assert Requirement.objects.count() == 0


def test_command_imports_a_directory_and_reports_problems(db, framework_dir, copy_of_files, capsys):
    (copy_of_files / "measures" / "0-org-01-benodigde-expertise-en-capaciteit.yaml").write_text(
        "urn: [unclosed"
    )
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import", "algoritmekader", str(copy_of_files))
    assert "0-org-01-benodigde-expertise-en-capaciteit.yaml" in capsys.readouterr().err
    call_command("import", "algoritmekader", str(framework_dir))
    assert "63 created" in capsys.readouterr().out
    assert Requirement.objects.count() == 63


def test_html_in_texts_is_kept_as_text_and_escaped_on_pages(framework, client, editor):
    Requirement.objects.filter(urn="urn:nl:ak:ver:aia-03").update(
        description="<script>alert(1)</script> **vet**"
    )
    client.force_login(editor)
    page = client.get("/algoritmekader", {"q": "aia-03"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **vet**" in html
    assert "<script>alert(1)" not in html
