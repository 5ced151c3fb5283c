"""Templates as data: the government's model DPIA imported with every item and id, bad files
reported with their place and reason, omslag's own templates loaded idempotently, and the
command-line import and export."""

import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from omslag.safeguards import services
from omslag.safeguards.definitions import TemplateFileInvalid
from omslag.safeguards.models import AssessmentTemplate, TemplateItem
from tests.conftest import skip_unless

from .conftest import DPIA_FILE


def dpia_data():
    skip_unless(DPIA_FILE.is_file(), f"the model DPIA is not at {DPIA_FILE} (../shared/data)")
    return yaml.safe_load(DPIA_FILE.read_text())


def walk(tasks, parent=None):
    for task in tasks:
        yield task, parent
        yield from walk(task.get("tasks", []), task["id"])


def import_text(text: str, fmt="dpia-form-v2"):
    return services.template_import_file(actor=None, stream=io.StringIO(text), fmt=fmt)


@pytest.mark.django_db
def test_the_model_dpia_is_imported_with_every_item_and_its_source_id():
    data = dpia_data()
    expected = list(walk(data["tasks"]))
    with DPIA_FILE.open("rb") as stream:
        template, happened, count = services.template_import_file(
            actor=None, stream=stream, fmt="dpia-form-v2"
        )
    assert happened == "created"
    assert (template.urn, template.version, template.kind) == (data["urn"], data["version"], "dpia")
    assert count == len(expected)
    items = {item.source_id: item for item in template.items.select_related("parent")}
    assert set(items) == {task["id"] for task, _parent in expected}
    for task, parent in expected:
        item = items[task["id"]]
        assert (item.parent.source_id if item.parent else None) == parent
        assert item.repeatable == task["repeatable"]
        assert len(item.options) == len(task.get("options", []))
    groups = [task for task, _ in expected if task["type"] == ["task_group"]]
    assert template.items.filter(type="group").count() == len(groups)
    conditional = [
        task
        for task, _ in expected
        if any(d.get("type") == "conditional" for d in task.get("dependencies", []))
    ]
    assert template.items.exclude(condition=None).count() == len(conditional)
    first = conditional[0]
    condition = items[first["id"]].condition
    dependency = first["dependencies"][0]["condition"]
    assert condition == {"item": dependency["id"], "in": [dependency["value"]]}


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing():
    skip_unless(DPIA_FILE.is_file(), f"the model DPIA is not at {DPIA_FILE} (../shared/data)")
    text = DPIA_FILE.read_text()
    import_text(text)
    _template, happened, _count = import_text(text)
    assert happened == "unchanged"
    assert AssessmentTemplate.objects.count() == 1


BAD = """
name: Test
description: Test
urn: 'urn:nl:test'
version: "1.0"
tasks:
  - task: Eerste
    id: "1"
    type: [task_group]
    repeatable: false
    tasks:
      - task: Vraag
        id: "1.1"
        type: [text_input]
        repeatable: "nee"
      - task: Schuif
        id: "1.2"
        type: [slider]
        repeatable: false
      - task: Keuze
        id: "1.3"
        type: [select_option]
        repeatable: false
  - task: Dubbel
    id: "1.1"
    type: [open_text]
    repeatable: false
  - task: Vooruit
    id: "3"
    type: [open_text]
    repeatable: false
    dependencies:
      - type: conditional
        condition: {id: "4", operator: equals, value: true}
        action: show
  - task: Later
    id: "4"
    type: [radio_option]
    repeatable: false
    options: [{value: true}, {value: false}]
  - id: "5"
    type: [open_text]
    repeatable: false
    dependencies:
      - type: conditional
        condition: {id: "99", operator: equals, value: x}
        action: show
"""


@pytest.mark.django_db
def test_a_bad_file_is_refused_with_every_problem_by_its_path_and_nothing_is_saved():
    with pytest.raises(TemplateFileInvalid) as refused:
        import_text(BAD)
    problems = refused.value.problems
    assert "tasks[0].tasks[0].repeatable: must be true or false, not a string" in problems
    assert any(
        p.startswith("tasks[0].tasks[1].type[0]: unknown item type 'slider'") for p in problems
    )
    assert "tasks[0].tasks[2].options: required for a select_option but missing" in problems
    assert any(p.startswith("tasks[1].id: duplicate id '1.1'") for p in problems)
    assert "tasks[2].condition: refers to a later item '4'" in problems
    assert "tasks[4].task: required but missing" in problems
    assert "tasks[4].condition: refers to an unknown item '99'" in problems
    assert not AssessmentTemplate.objects.exists() and not TemplateItem.objects.exists()


@pytest.mark.django_db
def test_top_level_facts_of_the_schema_are_checked():
    with pytest.raises(TemplateFileInvalid) as refused:
        import_text("name: X\nurn: 'dpia'\nversion: 'drie'\ntasks: {}\n")
    problems = refused.value.problems
    assert "description: required but missing" in problems
    assert "tasks: must be a list, not an object" in problems
    assert any(p.startswith("urn: 'dpia' is not a URN") for p in problems)
    assert any(p.startswith("version: 'drie' is not a version") for p in problems)


@pytest.mark.django_db
def test_own_templates_load_idempotently(templates):
    assert {
        "privacy-prescan",
        "accessibility-inclusion",
        "security-baseline",
        "workers-position",
        "misinformation-communication",
        "ai-act-risk-class",
        "environmental-footprint",
    } <= set(templates)
    before = TemplateItem.objects.count()
    results = services.own_templates_load()
    assert {happened for _t, happened in results} == {"unchanged"}
    assert TemplateItem.objects.count() == before
    prescan = templates["privacy-prescan"]
    assert (
        prescan.name_en == "Privacy pre-scan"
        and prescan.outcome_rules[0]["outcome"] == "dpia_required"
    )


@pytest.mark.django_db
def test_a_template_in_use_never_changes(templates, org, editor):
    from .conftest import new_experiment

    template = templates["privacy-prescan"]
    services.assessment_create(actor=editor, template=template, subject=new_experiment(org))
    definition_text = (services.templates.CONTENT_DIR / "privacy-prescan.yaml").read_text()
    changed = definition_text.replace("Privacy-prescan", "Privacyscan")
    with pytest.raises(services.templates.RuleViolation, match="new version"):
        services.template_import_file(actor=None, stream=io.StringIO(changed), fmt="own")
    new = changed.replace('version: "1.0"', 'version: "1.1"')
    created, happened, _ = services.template_import_file(
        actor=None, stream=io.StringIO(new), fmt="own"
    )
    assert happened == "created" and created.pk != template.pk


@pytest.mark.django_db
def test_command_line_import_and_export(tmp_path, capsys):
    skip_unless(DPIA_FILE.is_file(), f"the model DPIA is not at {DPIA_FILE} (../shared/data)")
    call_command("import", "assessment-template", str(DPIA_FILE), "--format", "dpia-form-v2")
    expected = len(list(walk(dpia_data()["tasks"])))
    assert f"{expected} item(s), created" in capsys.readouterr().out
    out = tmp_path / "templates.json"
    call_command("export", "assessment-templates", "--format", "json", "-o", str(out))
    document = json.loads(out.read_text())
    dpia = next(t for t in document["templates"] if t["urn"] == "urn:nl:dpia")
    assert dpia["version"] == "3.0"
    expected_ids = [task["id"] for task, _ in walk(dpia_data()["tasks"])]
    assert [item["id"] for item in dpia["items"]] == expected_ids


@pytest.mark.django_db
def test_command_line_import_lists_the_problems(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    with pytest.raises(CommandError, match="problem"):
        call_command("import", "assessment-template", str(bad), "--format", "dpia-form-v2")
    assert "tasks[0].tasks[1].type[0]: unknown item type 'slider'" in capsys.readouterr().err
