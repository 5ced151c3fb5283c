"""Reading questionnaire files into template definitions, without the database.

Two formats: omslag's own YAML (``own``) and the government's assessment-definition v2
(``dpia-form-v2``, the format of the model DPIA and pre-scan). Every problem is reported with
its path in the file (``tasks[3].tasks[1].type``) and what is wrong; nothing is dropped
silently. The checks follow the published schema's facts (required keys, types, allowed
values) without shipping the schema itself.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from omslag.common.errors import RuleViolation
from omslag.common.jsonreader import MAX_DEPTH, JsonProblem, load_json

ITEM_TYPES = (
    "text",
    "long_text",
    "single_choice",
    "multiple_choice",
    "date",
    "number",
    "file",
    "info",
    "group",
)
TEMPLATE_KINDS = (
    "privacy_prescan",
    "dpia",
    "iama",
    "accessibility",
    "security",
    "workers",
    "misinformation",
    "ai_act",
    "environment",
    "other",
)
# The government format's item types and what they are here.
V2_TYPES = {
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
V2_DEPENDENCY_TYPES = ("conditional", "source_options", "instance_mapping")
V2_OPERATORS = ("equals", "contains", "any", "all")
V2_ACTIONS = ("show", "hide", "options", "sync_instances")
V2_ID = re.compile(r"^[0-9]+(\.[0-9]+)*")
# The parts of a task (and the file's evaluation rules) that omslag keeps as given and does not
# interpret: checked against these shapes (JSON Schema, as the format defines them) so that a
# file the format refuses is refused here too, with the path and the validator's message.
_STRING_LIST = {"type": "array", "items": {"type": "string"}}
_TYPED_REFERENCE = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "type": {"enum": ["pre-fill", "pre-view", "direct takeover"]},
    },
    "required": ["id", "type"],
    "additionalProperties": False,
}
V2_SHAPES = {
    "references": {
        "type": "object",
        "additionalProperties": {
            "anyOf": [
                {"type": "string"},
                _STRING_LIST,
                _TYPED_REFERENCE,
                {"type": "array", "items": _TYPED_REFERENCE},
            ]
        },
    },
    "calculation": {
        "type": "object",
        "properties": {
            "scoreKey": {"type": "string"},
            "expression": {"type": "string"},
            "riskScore": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"when": {"type": "string"}, "value": {"type": "number"}},
                    "required": ["when", "value"],
                },
            },
        },
    },
    "sources": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"source": {"type": "string"}, "description": {"type": "string"}},
            "required": ["source"],
        },
    },
    "dependencies": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "type": {"enum": ["conditional", "source_options", "instance_mapping"]},
                "condition": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "operator": {"enum": ["equals", "contains", "any", "all"]},
                        "value": {"type": ["string", "boolean", "number", "null"]},
                    },
                },
                "source": {"type": "object", "properties": {"id": {"type": "string"}}},
                "mapping_type": {"enum": ["one_to_one", "one_to_many", "many_to_one"]},
                "action": {"enum": ["show", "hide", "options", "sync_instances"]},
            },
        },
    },
    "assessments": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "levels": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "level": {"enum": ["required", "recommended"]},
                            "expression": {"type": "string"},
                            "result": {"type": "string"},
                            "explanation": {"type": "string"},
                            "criteria": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "string"},
                                        "expression": {"type": "string"},
                                        "explanation": {"type": "string"},
                                    },
                                    "required": ["id", "expression", "explanation"],
                                },
                            },
                        },
                        "required": ["level", "expression", "result"],
                    },
                },
            },
            "required": ["id", "levels"],
        },
    },
}
_SHAPE_VALIDATORS = {name: Draft202012Validator(shape) for name, shape in V2_SHAPES.items()}
V2_VERSION = re.compile(r"^\d+(\.\d+)?(\.\d+)?$")
V2_URN = re.compile(r"^urn:nl:[a-z]+$")
V2_KINDS = {"urn:nl:dpia": "dpia", "urn:nl:prescan": "privacy_prescan", "urn:nl:iama": "iama"}


@dataclass
class ItemDef:
    source_id: str
    type: str
    label: str
    label_en: str = ""
    description: str = ""
    description_en: str = ""
    required: bool = False
    repeatable: bool = False
    options: list[dict] = field(default_factory=list)
    condition: dict | None = None
    extra: dict = field(default_factory=dict)
    children: list["ItemDef"] = field(default_factory=list)
    path: str = ""


@dataclass
class TemplateDef:
    key: str
    urn: str
    version: str
    name: str
    kind: str
    source: str
    source_format: str
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    outcome_rules: list[dict] = field(default_factory=list)
    items: list[ItemDef] = field(default_factory=list)
    # Everything else the file gave at the top (the format's evaluation rules), kept as given.
    extra: dict = field(default_factory=dict)

    def walk(self) -> Iterator[ItemDef]:
        """Every item in document order."""
        stack = list(reversed(self.items))
        while stack:
            item = stack.pop()
            yield item
            stack.extend(reversed(item.children))

    def content_hash(self) -> str:
        data = asdict(self)
        if not data["extra"]:
            # Templates stored before ``extra`` existed keep their hash (and so are unchanged,
            # not refused as changed while in use).
            del data["extra"]
        payload = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(payload).hexdigest()


class TemplateFileInvalid(RuleViolation):
    """A questionnaire file with problems; ``problems`` holds "path: reason" lines."""

    def __init__(self, problems: list[str]):
        super().__init__(
            f"The file has {len(problems)} problem(s): "
            + "; ".join(problems[:10])
            + (" …" if len(problems) > 10 else "")
        )
        self.problems = problems


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader that refuses a key given twice in one mapping (YAML lets the last
    one win silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise TemplateFileInvalid(
                    [
                        f"(file) at line {mark.line + 1}, column {mark.column + 1}: "
                        f"the key {key!r} appears twice"
                    ]
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _check_yaml_depth(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise TemplateFileInvalid(
                    [
                        f"(file) at line {mark.line + 1}, column {mark.column + 1}: "
                        f"nested more than {MAX_DEPTH} levels deep"
                    ]
                )
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1


def read_yaml(stream) -> Any:
    """A questionnaire file in JSON (read by the one JSON reader) or YAML, with the same
    limits: nesting depth and no key given twice."""
    text = stream.read() if hasattr(stream, "read") else stream
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    if text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        try:
            return load_json(text)
        except JsonProblem as problem:
            raise TemplateFileInvalid([f"(file): {problem.message}"]) from None
    try:
        _check_yaml_depth(text)
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise TemplateFileInvalid([f"(file){where}: not valid YAML or JSON ({error})"]) from None


class _Checker:
    def __init__(self):
        self.problems: list[str] = []

    def add(self, path: str, reason: str) -> None:
        self.problems.append(f"{path or '(top)'}: {reason}")

    def shaped(self, data: dict, key: str, path: str) -> bool:
        """Check ``data[key]`` against its shape in V2_SHAPES; False when it does not fit."""
        if key not in data:
            return True
        fits = True
        base = f"{path}.{key}" if path else key
        for error in _SHAPE_VALIDATORS[key].iter_errors(data[key]):
            where = "".join(
                f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
            )
            self.add(f"{base}{where}", error.message)
            fits = False
        return fits

    def typed(self, data: dict, key: str, path: str, kinds, label: str, required=False):
        prefix = f"{path}." if path else ""
        if key not in data:
            if required:
                self.add(f"{prefix}{key}", "required but missing")
            return None
        value = data[key]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
            self.add(f"{prefix}{key}", f"must be {label}, not {_json_type(value)}")
            return None
        return value


def _tuple(kinds):
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def condition_rules(condition: dict | None) -> list[dict]:
    """The rules of a condition: none, one, or the several of ``{"all": [...]}``."""
    if not condition:
        return []
    return list(condition["all"]) if "all" in condition else [condition]


# --- the government format (assessment-definition v2) ---------------------------------------


def parse_dpia_form_v2(data: Any, *, key: str = "") -> TemplateDef:
    """A template from a parsed v2 file, or TemplateFileInvalid listing every problem."""
    check = _Checker()
    if not isinstance(data, dict):
        raise TemplateFileInvalid([f"(top): must be an object, not {_json_type(data)}"])
    name = check.typed(data, "name", "", str, "a string", required=True)
    description = check.typed(data, "description", "", str, "a string", required=True)
    urn = check.typed(data, "urn", "", str, "a string", required=True)
    version = check.typed(data, "version", "", str, "a string")
    tasks = check.typed(data, "tasks", "", list, "a list", required=True)
    check.shaped(data, "assessments", "")
    if urn is not None and not V2_URN.match(urn):
        check.add("urn", f"{urn!r} is not a URN like urn:nl:dpia")
    if version is not None and not V2_VERSION.match(version):
        check.add("version", f"{version!r} is not a version like 3, 3.0 or 3.0.1")
    items = [_v2_task(task, f"tasks[{i}]", check) for i, task in enumerate(tasks or [])]
    items = [item for item in items if item is not None]
    definition = TemplateDef(
        key=key or (urn or "template").rsplit(":", 1)[-1],
        urn=urn or "",
        version=version or "1",
        name=name or "",
        description=description or "",
        kind=V2_KINDS.get(urn or "", "other"),
        source="imported",
        source_format="dpia-form-v2",
        items=items,
        extra={"assessments": data["assessments"]} if "assessments" in data else {},
    )
    check.problems.extend(structure_problems(definition))
    if check.problems:
        raise TemplateFileInvalid(check.problems)
    return definition


def _v2_task(task: Any, path: str, check: _Checker) -> ItemDef | None:
    if not isinstance(task, dict):
        check.add(path, f"must be an object, not {_json_type(task)}")
        return None
    label = check.typed(task, "task", path, str, "a string", required=True)
    source_id = check.typed(task, "id", path, str, "a string", required=True)
    types = check.typed(task, "type", path, list, "a list of type names", required=True)
    repeatable = check.typed(task, "repeatable", path, bool, "true or false", required=True)
    description = check.typed(task, "description", path, str, "a string")
    for name in ("category", "valueType", "instance_label_template", "item_name"):
        check.typed(task, name, path, str, "a string")
    for name in ("is_official_id", "required_status"):
        check.typed(task, name, path, bool, "true or false")
    if source_id is not None and not V2_ID.match(source_id):
        check.add(f"{path}.id", f"{source_id!r} is not an id like 4 or 4.1.2")
    for name in ("references", "calculation", "sources"):
        check.shaped(task, name, path)
    item_type = _v2_type(types, path, check)
    options = _v2_options(task, path, check, required=bool(types and "select_option" in types))
    item = ItemDef(
        source_id=source_id or "",
        type=item_type or "info",
        label=(label or "").strip(),
        description=(description or "").strip(),
        repeatable=bool(repeatable),
        required=bool(task.get("required_status") is True),
        options=options,
        path=path,
        extra={
            k: task[k]
            for k in (
                "valueType",
                "instance_label_template",
                "item_name",
                "category",
                "is_official_id",
                "references",
                "defaultValue",
                "calculation",
                "sources",
            )
            if k in task
        },
    )
    _v2_dependencies(task, path, check, item)
    children = check.typed(task, "tasks", path, list, "a list")
    for index, child in enumerate(children or []):
        parsed = _v2_task(child, f"{path}.tasks[{index}]", check)
        if parsed is not None:
            item.children.append(parsed)
    if item.children and item_type is not None and item_type != "group":
        check.add(f"{path}.tasks", f"only a task_group holds tasks, this is a {types[0]}")
    return item


def _v2_type(types, path, check) -> str | None:
    if types is None:
        return None
    if not types:
        check.add(f"{path}.type", "names no type")
        return None
    mapped = []
    for index, name in enumerate(types):
        if not isinstance(name, str):
            check.add(f"{path}.type[{index}]", f"must be a string, not {_json_type(name)}")
        elif name not in V2_TYPES:
            check.add(
                f"{path}.type[{index}]",
                f"unknown item type {name!r}; known: {', '.join(V2_TYPES)}",
            )
        else:
            mapped.append(V2_TYPES[name])
    if len(set(mapped)) > 1:
        check.add(f"{path}.type", f"names types that differ here: {', '.join(types)}")
    return mapped[0] if mapped else None


def _v2_options(task, path, check, *, required: bool) -> list[dict]:
    options = check.typed(task, "options", path, list, "a list")
    if options is None:
        if required and "options" not in task:
            check.add(f"{path}.options", "required for a select_option but missing")
        return []
    parsed = []
    for index, option in enumerate(options):
        where = f"{path}.options[{index}]"
        if not isinstance(option, dict):
            check.add(where, f"must be an object, not {_json_type(option)}")
            continue
        if "value" not in option:
            check.add(f"{where}.value", "required but missing")
            continue
        value = option["value"]
        if not (value is None or isinstance(value, str | bool)):
            check.add(
                f"{where}.value", f"must be a string, boolean or null, not {_json_type(value)}"
            )
            continue
        label = check.typed(option, "label", where, str, "a string")
        parsed.append(
            {
                "value": value,
                "label": label if label is not None else _show(value),
                "label_en": "",
                "score": 0,
            }
        )
    return parsed


def _show(value) -> str:
    if isinstance(value, bool):
        return "Ja" if value else "Nee"
    return "" if value is None else str(value)


def _v2_dependencies(task, path, check, item: ItemDef) -> None:
    """Options and instance sources into ``extra``; the conditional dependencies into the
    item's condition. Several conditional dependencies must all hold (on items anywhere in
    the file, also in other groups): they become ``{"all": [rule, ...]}``."""
    if not check.shaped(task, "dependencies", path):
        return
    rules: list[dict] = []
    unread: list[dict] = []
    for dependency in task.get("dependencies") or []:
        # The format leaves type and operator optional: a dependency says "show when" unless
        # it says otherwise, and compares for equality unless it names another operator.
        kind = dependency.get("type", "conditional")
        action = dependency.get("action")
        condition = dependency.get("condition") or {}
        source = dependency.get("source") or {}
        if kind == "instance_mapping":
            if isinstance(source.get("id"), str):
                item.extra["instances_from"] = source["id"]
            else:
                unread.append(dependency)
            continue
        target = condition.get("id")
        if not isinstance(target, str):
            unread.append(dependency)  # nothing to depend on: kept as given, not applied
            continue
        operator = condition.get("operator", "equals")
        if kind == "source_options":
            item.extra["options_from"] = target
            continue
        answered = operator not in ("equals", "contains")  # any / all: once answered
        if action == "hide":
            rule = (
                {"item": target, "unanswered": True}
                if answered
                else {"item": target, "not_in": [condition.get("value")]}
            )
        else:
            rule = (
                {"item": target, "answered": True}
                if answered
                else {"item": target, "in": [condition.get("value")]}
            )
        rules.append(rule)
    if unread:
        item.extra["dependencies_unread"] = unread
    if len(rules) == 1:
        item.condition = rules[0]
    elif rules:
        item.condition = {"all": rules}


# --- omslag's own format -----------------------------------------------------------------------


def parse_own(data: Any) -> TemplateDef:
    """A template from omslag's own YAML (see docs/safeguards.md), or TemplateFileInvalid."""
    check = _Checker()
    if not isinstance(data, dict):
        raise TemplateFileInvalid([f"(top): must be an object, not {_json_type(data)}"])
    values = {
        name: check.typed(
            data,
            name,
            "",
            str,
            "a string",
            required=name in ("key", "urn", "version", "kind", "name"),
        )
        for name in (
            "key",
            "urn",
            "version",
            "kind",
            "name",
            "name_en",
            "description",
            "description_en",
        )
    }
    if values["kind"] is not None and values["kind"] not in TEMPLATE_KINDS:
        check.add("kind", f"unknown kind {values['kind']!r}; known: {', '.join(TEMPLATE_KINDS)}")
    rules = []
    for index, rule in enumerate(check.typed(data, "outcomes", "", list, "a list") or []):
        where = f"outcomes[{index}]"
        if not isinstance(rule, dict):
            check.add(where, "must be an object")
            continue
        score = check.typed(rule, "min_score", where, int, "a whole number", required=True)
        outcome = check.typed(rule, "outcome", where, str, "a string", required=True)
        label = check.typed(rule, "label", where, str, "a string", required=True)
        if score is not None and outcome and label:
            rules.append(
                {
                    "min_score": score,
                    "outcome": outcome,
                    "label": label,
                    "label_en": rule.get("label_en", ""),
                }
            )
    items_data = check.typed(data, "items", "", list, "a list", required=True)
    items = [_own_item(item, f"items[{i}]", check) for i, item in enumerate(items_data or [])]
    definition = TemplateDef(
        key=values["key"] or "",
        urn=values["urn"] or "",
        version=values["version"] or "",
        name=values["name"] or "",
        name_en=values["name_en"] or "",
        description=(values["description"] or "").strip(),
        description_en=(values["description_en"] or "").strip(),
        kind=values["kind"] or "other",
        source="own",
        source_format="own",
        outcome_rules=sorted(rules, key=lambda r: -r["min_score"]),
        items=[item for item in items if item is not None],
    )
    check.problems.extend(structure_problems(definition))
    if check.problems:
        raise TemplateFileInvalid(check.problems)
    return definition


def _own_item(data, path, check) -> ItemDef | None:
    if not isinstance(data, dict):
        check.add(path, f"must be an object, not {_json_type(data)}")
        return None
    source_id = check.typed(data, "id", path, str, "a string", required=True)
    item_type = check.typed(data, "type", path, str, "a string", required=True)
    label = check.typed(data, "label", path, str, "a string", required=True)
    if item_type is not None and item_type not in ITEM_TYPES:
        check.add(
            f"{path}.type", f"unknown item type {item_type!r}; known: {', '.join(ITEM_TYPES)}"
        )
    item = ItemDef(
        source_id=source_id or "",
        type=item_type if item_type in ITEM_TYPES else "info",
        label=(label or "").strip(),
        label_en=(check.typed(data, "label_en", path, str, "a string") or "").strip(),
        description=(check.typed(data, "description", path, str, "a string") or "").strip(),
        description_en=(check.typed(data, "description_en", path, str, "a string") or "").strip(),
        required=bool(check.typed(data, "required", path, bool, "true or false")),
        repeatable=bool(check.typed(data, "repeatable", path, bool, "true or false")),
        path=path,
    )
    for index, option in enumerate(check.typed(data, "options", path, list, "a list") or []):
        where = f"{path}.options[{index}]"
        if not isinstance(option, dict) or "value" not in option or "label" not in option:
            check.add(where, "needs a value and a label")
            continue
        score = option.get("score", 0)
        if not isinstance(score, int) or isinstance(score, bool):
            check.add(f"{where}.score", "must be a whole number")
            score = 0
        item.options.append(
            {
                "value": option["value"],
                "label": str(option["label"]),
                "label_en": str(option.get("label_en", "")),
                "score": score,
            }
        )
    if item.type in ("single_choice", "multiple_choice") and not item.options:
        check.add(f"{path}.options", f"a {item.type} item needs options")
    condition = check.typed(data, "condition", path, dict, "an object")
    if condition is not None:
        if not isinstance(condition.get("item"), str) or not isinstance(condition.get("in"), list):
            check.add(f"{path}.condition", "needs item (an id) and in (a list of values)")
        else:
            item.condition = {"item": condition["item"], "in": condition["in"]}
    for index, child in enumerate(check.typed(data, "items", path, list, "a list") or []):
        parsed = _own_item(child, f"{path}.items[{index}]", check)
        if parsed is not None:
            item.children.append(parsed)
    if item.children and item.type != "group":
        check.add(f"{path}.items", "only a group holds items")
    return item


# --- checks both formats share --------------------------------------------------------------


def structure_problems(definition: TemplateDef) -> list[str]:
    """Duplicate ids, and conditions (or option and instance sources) that refer to an item
    that is unknown or does not come earlier in the file."""
    problems = []
    seen: dict[str, str] = {}
    for item in definition.walk():
        if not item.source_id:
            continue
        if len(item.source_id) > 50:
            problems.append(f"{item.path}.id: longer than 50 characters")
        if item.source_id in seen:
            problems.append(
                f"{item.path}.id: duplicate id {item.source_id!r} (also at {seen[item.source_id]})"
            )
        else:
            seen[item.source_id] = item.path
        references = []
        for rule in condition_rules(item.condition):
            references.append(("condition", rule["item"]))
        for key in ("options_from", "instances_from"):
            if key in item.extra:
                references.append((key, item.extra[key]))
        for what, target in references:
            if target in seen and target != item.source_id:
                continue
            reason = (
                "refers to itself"
                if target == item.source_id
                else "refers to a later item"
                if _exists(definition, target)
                else "refers to an unknown item"
            )
            problems.append(f"{item.path}.{what}: {reason} {target!r}")
    return problems


def _exists(definition: TemplateDef, source_id: str) -> bool:
    return any(item.source_id == source_id for item in definition.walk())


PARSERS = {"own": parse_own, "dpia-form-v2": parse_dpia_form_v2}
