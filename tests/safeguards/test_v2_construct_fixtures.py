"""Every construct of the government's questionnaire format (assessment-definition v2), each
from its own small fixture (tests/safeguards/fixtures/dpia-form-v2/constructs): every task type
the schema defines, a repeatable group, options taken from another item, and conditions with
"contains" and "hide". Each fixture is valid against the published schema, is imported, filled
in (its answers kept, or dropped where a condition hides the item) and exported with every id,
parent, label, option and the urn and version as the file gives them. Filling them in through
the pages in Chromium: tests/e2e/test_questionnaire_constructs.py."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from omslag.safeguards import services
from omslag.safeguards.exports import template_document
from tests.conftest import SHARED_DATA, skip_unless

from .conftest import new_experiment

CONSTRUCTS = Path(__file__).resolve().parent / "fixtures" / "dpia-form-v2" / "constructs"
SCHEMA = SHARED_DATA / "safeguards" / "par-dpia-form" / "assessment-definition.v2.schema.json"
FIXTURES = sorted(CONSTRUCTS.glob("*.yaml"))
# What each of the format's task types is (written out here, not read from the code).
EXPECTED_TYPE = {
    "text_input": "text",
    "open_text": "long_text",
    "select_option": "single_choice",
    "radio_option": "single_choice",
    "checkbox_option": "multiple_choice",
    "multiselect_scrollable": "multiple_choice",
    "task_group": "group",
    "informational": "info",
    "date": "date",
    "image": "file",
}
SAMPLE = {
    "text": "Klantcontact",
    "long_text": "Een beschrijving van de verwerking.",
    "file": "gegevensstroom.png",
    "date": "2026-03-01",
    "single_choice": "a",
    "multiple_choice": ["a", "b"],
}


def tasks_of(data):
    """(task, parent id, repeatable groups above it) of every task in the file, in order."""

    def walk(tasks, parent, depth):
        for task in tasks:
            yield task, parent, depth
            inner = depth + (1 if task.get("repeatable") and task.get("tasks") else 0)
            yield from walk(task.get("tasks", []), task["id"], inner)

    return list(walk(data["tasks"], None, 0))


def hidden_by_condition(task, answers) -> bool:
    """Whether a conditional dependency of ``task`` hides it, given ``answers`` by id."""
    for dependency in task.get("dependencies", []):
        if dependency.get("type", "conditional") != "conditional":
            continue
        condition = dependency["condition"]
        given = answers.get(condition["id"])
        values = given if isinstance(given, list) else [given]
        holds = condition["value"] in values
        if (dependency["action"] == "show") != holds:
            return True
    return False


def test_there_is_a_fixture_for_every_task_type_of_the_schema():
    covered = set()
    for path in FIXTURES:
        for task, _parent, _depth in tasks_of(yaml.safe_load(path.read_text())):
            covered.update(task["type"])
    assert covered == set(EXPECTED_TYPE)
    if SCHEMA.is_file():
        schema = json.loads(SCHEMA.read_text())
        assert set(schema["defs"]["task"]["properties"]["type"]["items"]["enum"]) == covered


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_a_construct_is_valid_imported_filled_in_and_exported_with_its_ids(path, org, editor):
    data = yaml.safe_load(path.read_text())
    skip_unless(SCHEMA.is_file(), f"the published schema is not at {SCHEMA}")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    assert [error.message for error in validator.iter_errors(data)] == []

    with path.open("rb") as stream:
        template, happened, _count = services.template_import_file(
            actor=None, stream=stream, fmt="dpia-form-v2"
        )
    assert happened == "created"
    tasks = tasks_of(data)
    items = {item.source_id: item for item in template.items.all()}
    assert set(items) == {task["id"] for task, _parent, _depth in tasks}
    for task, _parent, _depth in tasks:
        assert items[task["id"]].type == EXPECTED_TYPE[task["type"][0]], task["id"]

    answers, given = [], {}
    for task, _parent, depth in tasks:
        kind = EXPECTED_TYPE[task["type"][0]]
        if kind in SAMPLE:
            answers.append({"item": task["id"], "repeat": ".".join(["0"] * depth)})
            answers[-1]["value"] = given[task["id"]] = SAMPLE[kind]
    expected = {
        task["id"]: given[task["id"]]
        for task, _parent, _depth in tasks
        if task["id"] in given and not hidden_by_condition(task, given)
    }
    assessment = services.assessment_create(
        actor=editor, template=template, subject=new_experiment(org)
    )
    services.assessment_answers_save(actor=editor, assessment=assessment, answers=answers)
    assert dict(assessment.answers.values_list("item__source_id", "value")) == expected

    document = template_document(template)
    assert (document["urn"], document["version"]) == (data["urn"], data["version"])
    exported = {item["id"]: item for item in document["items"]}
    assert set(exported) == set(items)
    for task, parent, _depth in tasks:
        item = exported[task["id"]]
        assert item["parent"] == parent and item["label"] == task["task"]
        assert item["repeatable"] == task["repeatable"]
        assert [o["value"] for o in item["options"]] == [
            o["value"] for o in task.get("options", [])
        ]
