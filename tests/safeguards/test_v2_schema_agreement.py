"""The import of dpia-form v2 files agrees with the published JSON Schema of the format
(``../shared/data/safeguards/par-dpia-form/assessment-definition.v2.schema.json``), checked by
jsonschema itself: starting from the model DPIA and from our own fixtures, every fact the
schema states (a required key, a type, an allowed value, a pattern) is broken one at a time,
and optional keys are left out one at a time. A file the schema accepts is imported; a file the
schema refuses is refused, and the problem names the same place in the file."""

import copy
import json
import random
from pathlib import Path

import pytest
import yaml
from jsonschema import validators

from omslag.safeguards.definitions import TemplateFileInvalid, parse_dpia_form_v2
from tests.conftest import SHARED_DATA, skip_unless

FORMAT = SHARED_DATA / "safeguards" / "par-dpia-form"
FIXTURES = Path(__file__).parent / "fixtures" / "dpia-form-v2"
WRONG = {"string": 12345, "boolean": "yes", "array": "x", "object": "x", "number": "x"}
PYTHON = {"string": str, "boolean": bool, "array": list, "object": dict, "number": (int, float)}
SAMPLE = 250  # of about 4,000 possible changes; a fixed seed, so every run checks the same


@pytest.fixture(scope="module")
def schema():
    path = FORMAT / "assessment-definition.v2.schema.json"
    skip_unless(path.exists(), f"the published schema is at {path}")
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def documents(schema):
    files = [FORMAT / "dpia.yaml", *sorted(FIXTURES.glob("*.yaml"))]
    return {path.name: yaml.safe_load(path.read_text()) for path in files}


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        target = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def changes(schema, data, node, path, out):
    """Every single change the schema's facts allow: (path, how, value)."""
    node = _resolve(schema, node)
    if not isinstance(node, dict):
        return
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    known = [k for k in kinds if k in WRONG]
    if known and len(known) == len(kinds):
        wrong = WRONG[known[0]]
        if not any(isinstance(wrong, PYTHON[k]) for k in known):
            out.append((path, "type", wrong))
    if "enum" in node:
        out.append((path, "enum", "not-an-allowed-value"))
    if "pattern" in node and isinstance(data, str):
        out.append((path, "pattern", "!! no match !!"))
    if isinstance(data, dict):
        required = set(node.get("required", []))
        for key in data:
            out.append((path + [key], "required" if key in required else "optional", None))
        for key, value in data.items():
            if key in node.get("properties", {}):
                changes(schema, value, node["properties"][key], path + [key], out)
    if isinstance(data, list) and "items" in node:
        for index, value in enumerate(data):
            changes(schema, value, node["items"], path + [index], out)


def _changed(document, path, how, value):
    changed = copy.deepcopy(document)
    parent = changed
    for part in path[:-1]:
        parent = parent[part]
    if how in ("required", "optional"):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return changed


def _where(path) -> str:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return text.lstrip(".")


def _our_problems(document) -> list[str] | None:
    try:
        parse_dpia_form_v2(document)
    except TemplateFileInvalid as invalid:
        return invalid.problems
    return None


def test_the_published_files_and_our_fixtures_are_valid_and_import(schema, documents):
    validator = validators.validator_for(schema)(schema)
    for name, document in documents.items():
        assert list(validator.iter_errors(document)) == [], name
        assert _our_problems(document) is None, name


def test_the_import_accepts_and_refuses_what_the_schema_does_at_the_same_place(schema, documents):
    validator = validators.validator_for(schema)(schema)
    every = []
    for name, document in documents.items():
        found = []
        changes(schema, document, schema, [], found)
        every += [(name, *change) for change in found]
    assert len(every) > 1000  # the walk reaches into every part of the files
    picked = random.Random(20261207).sample(every, SAMPLE)  # noqa: S311
    assert {how for _name, _path, how, _value in picked} == {
        "type",
        "enum",
        "pattern",
        "required",
        "optional",
    }
    disagreements = []
    for name, path, how, value in picked:
        changed = _changed(documents[name], path, how, value)
        refused_by_schema = [_where(e.absolute_path) for e in validator.iter_errors(changed)]
        ours = _our_problems(changed)
        if bool(refused_by_schema) != bool(ours):
            disagreements.append((name, _where(path), how, refused_by_schema, ours))
            continue
        if ours:
            # The place the schema names is the place we name (a missing key: its parent
            # for the schema, the key itself for us).
            our_places = {problem.split(": ", 1)[0] for problem in ours}
            expected = {p or "(top)" for p in refused_by_schema}
            if how in ("required", "optional"):  # a key left out: the key, or where it lacks
                expected |= {_where(path)}
            if not expected & our_places:
                disagreements.append((name, _where(path), how, refused_by_schema, ours))
    assert disagreements == []


def test_a_dependency_without_type_or_operator_is_a_plain_show_when_equal(documents):
    document = copy.deepcopy(documents["several-dependencies.yaml"])
    definition_before = parse_dpia_form_v2(copy.deepcopy(document))
    for task in _tasks(document):
        for dependency in task.get("dependencies", []):
            if dependency.get("type") == "conditional" and dependency.get("action") == "show":
                condition = dependency.get("condition", {})
                if condition.get("operator") == "equals":
                    del dependency["type"], condition["operator"]
    after = parse_dpia_form_v2(document)
    assert [i.condition for i in after.walk()] == [i.condition for i in definition_before.walk()]


def test_the_formats_evaluation_rules_are_kept_as_given(documents):
    document = documents["several-dependencies.yaml"]
    assert document["assessments"]  # the fixture carries evaluation rules
    definition = parse_dpia_form_v2(copy.deepcopy(document))
    assert definition.extra == {"assessments": document["assessments"]}


def _tasks(document):
    stack = list(document["tasks"])
    while stack:
        task = stack.pop()
        yield task
        stack.extend(task.get("tasks", []))


def test_a_template_without_top_level_extras_keeps_the_hash_it_had_before_they_existed():
    """An installation upgraded with templates in use: reloading them must find them unchanged
    (the hash is that of the fields there were), or every reload is refused."""
    import dataclasses
    import hashlib

    from omslag.safeguards.definitions import parse_own

    document = yaml.safe_load(
        (
            Path(__file__).resolve().parents[2]
            / "src"
            / "omslag"
            / "safeguards"
            / "content"
            / "security-baseline.yaml"
        ).read_text()
    )
    definition = parse_own(document)
    before = dataclasses.asdict(definition)
    del before["extra"]
    old_hash = hashlib.sha256(json.dumps(before, sort_keys=True, default=str).encode()).hexdigest()
    assert definition.content_hash() == old_hash
