"""Turning a template and its answers into rows for pages and the PDF: headings, questions
with their current value, repeat labels and 'add another' buttons. Descriptions from
imported files may hold markup: shown as sanitised HTML (``rich``), never as escaped tags."""

import re
from dataclasses import dataclass, field

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .questionnaire import ANSWERABLE, Questionnaire, option_token


def localised(record, name: str) -> str:
    english = getattr(record, f"{name}_en", "")
    if english and (get_language() or "nl").startswith("en"):
        return english
    return getattr(record, name)


def plain(text: str) -> str:
    """Text of a description that may hold HTML (imported files): tags removed."""
    return strip_tags(text.replace("<br>", "\n").replace("<br/>", "\n")).strip()


# The markup a questionnaire's descriptions may carry (the government format writes HTML and
# the odd Markdown link): emphasis, lists, paragraphs and links. Everything else is removed
# by nh3 (the Rust sanitiser ammonia), links get rel="noopener noreferrer", and only web,
# mail and in-page (#…) addresses are kept.
ALLOWED_TAGS = {"a", "b", "br", "code", "em", "i", "li", "ol", "p", "strong", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
_BLOCK = re.compile(r"<(ul|ol|p)>")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\n]+)\)")


def rich(text: str) -> SafeString:
    """A description as safe HTML: the allowed markup kept, the rest removed, line breaks
    kept. Safe to render unescaped; a ``<script>`` or ``onclick`` never survives."""
    linked = _MARKDOWN_LINK.sub(
        lambda match: f'<a href="{match.group(2).strip()}">{match.group(1)}</a>', text.strip()
    )
    cleaned = nh3.clean(
        linked,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    cleaned = re.sub(r"<br>\s*", "<br>", cleaned.strip())
    if not _BLOCK.search(cleaned):  # plain text lines: keep the line breaks
        cleaned = cleaned.replace("\n", "<br>")
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)


@dataclass
class Row:
    kind: str  # open, close, info, field, add
    item: object = None
    instance: str = ""
    depth: int = 0
    label: str = ""
    description: str = ""
    name: str = ""  # form field name
    value: object = None
    choices: list = field(default_factory=list)  # (token, label, checked)
    error: str = ""
    repeat_label: str = ""
    add_value: str = ""
    dl_open: bool = False  # the first of a run of answers: opens their definition list
    dl_close: bool = False  # the last of a run: closes it


def field_name(item, instance: str) -> str:
    return f"a-{item.source_id}-{instance}" if instance else f"a-{item.source_id}"


def _choices(questionnaire, item, answers, value):
    chosen = value if isinstance(value, list) else [value]
    source = (item.extra or {}).get("options_from")
    if source:
        allowed = questionnaire.allowed_values(item, answers)
        labels = [(v, str(v)) for v in dict.fromkeys(allowed)]
    else:
        labels = [(o["value"], localised_option(o)) for o in item.options]
    return [
        (
            option_token(v),
            label,
            any(v == c and isinstance(v, bool) == isinstance(c, bool) for c in chosen),
        )
        for v, label in labels
    ]


def localised_option(option: dict) -> str:
    if option.get("label_en") and (get_language() or "nl").startswith("en"):
        return option["label_en"]
    return option.get("label") or option_token(option["value"])


def step_rows(
    questionnaire: Questionnaire,
    answers: dict,
    counts: dict,
    step: int | None,
    errors: dict | None = None,
    *,
    editable: bool = True,
    every_item: bool = False,
) -> list[Row]:
    """The rows of one step (or of every step), shown items only; with ``every_item`` also
    those a condition hides (the overview of a template lists every question)."""
    errors = errors or {}
    rows: list[Row] = []
    open_groups: list[int] = []
    for slot in questionnaire.slots(answers, counts, step=step):
        while open_groups and open_groups[-1] >= slot.depth:
            open_groups.pop()
            rows.append(Row("close"))
        if not slot.visible and not every_item:
            continue
        item = slot.item
        label = localised(item, "label")
        description = rich(localised(item, "description"))
        repeat_label = ""
        if item.repeatable:
            index = int(slot.instance.split(".")[-1])
            repeat_label = f"{index + 1}"
        if item.type == "group":
            rows.append(
                Row(
                    "open",
                    item,
                    slot.instance,
                    slot.depth,
                    label,
                    description,
                    repeat_label=repeat_label,
                )
            )
            open_groups.append(slot.depth)
        elif item.type == "info":
            rows.append(Row("info", item, slot.instance, slot.depth, label, description))
        elif item.type in ANSWERABLE:
            value = answers.get((item.source_id, slot.instance))
            key = f"{item.source_id}[{slot.instance}]" if slot.instance else item.source_id
            rows.append(
                Row(
                    "field",
                    item,
                    slot.instance,
                    slot.depth,
                    label,
                    description,
                    name=field_name(item, slot.instance),
                    value=value,
                    choices=_choices(questionnaire, item, answers, value)
                    if item.type in ("single_choice", "multiple_choice")
                    else [],
                    error=errors.get(key, ""),
                    repeat_label=repeat_label,
                )
            )
        if (
            editable
            and item.repeatable
            and _last_instance(questionnaire, item, slot, answers, counts)
        ):
            parent_instance = slot.instance.rsplit(".", 1)[0] if "." in slot.instance else ""
            rows.append(
                Row(
                    "add_pending",
                    item,
                    slot.instance,
                    slot.depth,
                    label,
                    add_value=f"{item.source_id}@{parent_instance}",
                )
            )
    while open_groups:
        open_groups.pop()
        rows.append(Row("close"))
    # an 'add another' button goes after the group it repeats has closed
    return _place_add_buttons(rows)


def _last_instance(questionnaire, item, slot, answers, counts) -> bool:
    parent_instance = slot.instance.rsplit(".", 1)[0] if "." in slot.instance else ""
    count = questionnaire.repeat_count(item, parent_instance, counts, answers)
    return int(slot.instance.split(".")[-1]) == count - 1


def _place_add_buttons(rows: list[Row]) -> list[Row]:
    placed: list[Row] = []
    pending: list[tuple[int, Row]] = []
    depth = 0
    for row in rows:
        if row.kind == "add_pending":
            if row.item.type == "group":
                pending.append(
                    (
                        depth - 1,
                        Row(
                            "add",
                            row.item,
                            row.instance,
                            row.depth,
                            row.label,
                            add_value=row.add_value,
                        ),
                    )
                )
            else:
                placed.append(
                    Row(
                        "add", row.item, row.instance, row.depth, row.label, add_value=row.add_value
                    )
                )
            continue
        placed.append(row)
        if row.kind == "open":
            depth += 1
        elif row.kind == "close":
            depth -= 1
            while pending and pending[-1][0] == depth:
                placed.append(pending.pop()[1])
    placed.extend(row for _d, row in reversed(pending))
    return placed


def display_value(item, value) -> str:
    if value in (None, "", []):
        return "—"
    if item.type in ("single_choice", "multiple_choice"):
        labels = {option_token(o["value"]): localised_option(o) for o in item.options}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(option_token(v), str(v)) for v in values)
    return str(value)


def answered_rows(assessment) -> list[Row]:
    """Every shown item with its answer, for the summary page, PDF and review."""
    questionnaire = Questionnaire(list(assessment.template.items.all()))
    answers = {
        (a.item.source_id, a.repeat): a.value for a in assessment.answers.select_related("item")
    }
    rows = step_rows(questionnaire, answers, assessment.repeat_counts, None, editable=False)
    for row in rows:
        if row.kind == "field":
            row.value = display_value(row.item, row.value)
    # Consecutive answers form one <dl>; sections (groups) sit between lists, never inside.
    structural = [r for r in rows if r.kind in ("open", "close", "field")]
    for index, row in enumerate(structural):
        if row.kind != "field":
            continue
        before = structural[index - 1] if index else None
        after = structural[index + 1] if index + 1 < len(structural) else None
        row.dl_open = before is None or before.kind != "field"
        row.dl_close = after is None or after.kind != "field"
    return rows
