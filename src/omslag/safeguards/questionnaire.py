"""The rules of a filled-in questionnaire, without the database: which item instances exist
(repeatable groups), which are shown (conditions), whether an answer fits its item, the
score and the outcome. Works on any objects with TemplateItem's attributes."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation

if TYPE_CHECKING:
    from .models import TemplateItem

ANSWERABLE = ("text", "long_text", "single_choice", "multiple_choice", "date", "number", "file")
MAX_TEXT = 20_000


class AnswerInvalid(RuleViolation):
    """One or more answers that do not fit their item; ``problems`` maps "id[instance]" to
    the reason."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(" ".join(f"{key}: {reason}" for key, reason in problems.items()))
        self.problems = problems


def option_token(value) -> str:
    """How an option value travels in a web form (booleans and null as JSON words)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def answer_key(source_id: str, instance: str) -> str:
    return f"{source_id}[{instance}]" if instance else source_id


@dataclass(frozen=True)
class Slot:
    """One place an answer can go: an item, in one repetition of its repeatable parents."""

    item: "TemplateItem"
    instance: str
    depth: int
    visible: bool


class Questionnaire:
    def __init__(self, items: Iterable["TemplateItem"]) -> None:
        self.items = sorted(items, key=lambda item: item.order)
        self.by_pk = {item.pk: item for item in self.items}
        self.by_source = {item.source_id: item for item in self.items}
        self.children: dict[int | None, list[TemplateItem]] = {}
        for item in self.items:
            self.children.setdefault(item.parent_id, []).append(item)
        self.top = self.children.get(None, [])

    # --- structure ---------------------------------------------------------------------

    def repeat_chain(self, item) -> list:
        """The repeatable items from the top down to ``item`` (itself included)."""
        chain = []
        while item is not None:
            if item.repeatable:
                chain.append(item)
            item = self.by_pk.get(item.parent_id)
        return list(reversed(chain))

    def instance_of(self, item, instance: str) -> str:
        """The instance path of ``item`` as seen from a slot with path ``instance``."""
        depth = len(self.repeat_chain(item))
        return ".".join(instance.split(".")[:depth]) if instance and depth else ""

    def step_of(self, item) -> int:
        while item.parent_id is not None:
            item = self.by_pk[item.parent_id]
        return self.top.index(item) + 1

    def repeat_count(self, item, parent_instance: str, counts: dict, answers: dict) -> int:
        count = int(counts.get(f"{item.source_id}@{parent_instance}", 1))
        prefix = f"{parent_instance}." if parent_instance else ""
        for source_id, instance in answers:
            owner = self.by_source.get(source_id)
            if owner is None or not instance.startswith(prefix):
                continue
            if item in self.repeat_chain(owner):
                head = instance[len(prefix) :].split(".")[0]
                if head.isdigit():
                    count = max(count, int(head) + 1)
        return max(count, 1)

    # --- walking with conditions ---------------------------------------------------------

    def slots(self, answers: dict, counts: dict, step: int | None = None) -> Iterator[Slot]:
        """Every (item, instance) in document order with whether it is shown."""
        roots = self.top if step is None else self.top[step - 1 : step]
        for root in roots:
            yield from self._slots(root, "", 0, True, answers, counts)

    def _slots(self, item, parent_instance, depth, parent_visible, answers, counts):
        if item.repeatable:
            count = self.repeat_count(item, parent_instance, counts, answers)
            instances = [
                f"{parent_instance}.{i}" if parent_instance else str(i) for i in range(count)
            ]
        else:
            instances = [parent_instance]
        for instance in instances:
            visible = parent_visible and self.condition_met(item, instance, answers)
            yield Slot(item, instance, depth, visible)
            for child in self.children.get(item.pk, []):
                yield from self._slots(child, instance, depth + 1, visible, answers, counts)

    def condition_met(self, item, instance: str, answers: dict) -> bool:
        """Whether the item's condition holds; several rules (``all``) must each hold."""
        condition = item.condition
        if not condition:
            return True
        rules = condition.get("all", [condition])
        return all(self._rule_met(rule, instance, answers) for rule in rules)

    def _rule_met(self, condition: dict, instance: str, answers: dict) -> bool:
        target = self.by_source.get(condition.get("item"))
        if target is None:
            return False
        value = answers.get((target.source_id, self.instance_of(target, instance)))
        values = value if isinstance(value, list) else [value]
        if condition.get("answered"):
            return value not in (None, "", [])
        if condition.get("unanswered"):
            return value in (None, "", [])
        if "not_in" in condition:
            return not any(v in condition["not_in"] for v in values)
        return any(v in condition.get("in", []) for v in values if v is not None)

    def visible_answers(self, answers: dict, counts: dict) -> dict:
        """Only the answers to shown items; answers to hidden ones do not count."""
        shown = {
            (slot.item.source_id, slot.instance)
            for slot in self.slots(answers, counts)
            if slot.visible
        }
        return {key: value for key, value in answers.items() if key in shown}

    # --- values --------------------------------------------------------------------------

    def allowed_values(self, item, answers: dict) -> list:
        source = item.extra.get("options_from") if item.extra else None
        if source:
            found = []
            for (source_id, _instance), value in answers.items():
                if source_id == source and value not in (None, ""):
                    found.extend(value if isinstance(value, list) else [value])
            return found
        return [option["value"] for option in item.options]

    def clean_value(
        self, item: "TemplateItem", value: Any, answers: dict, *, from_form: bool = False
    ) -> Any:
        """The value to store for ``item``, or RuleViolation with the reason. None clears."""
        label = item.label[:60]
        if item.type not in ANSWERABLE:
            raise RuleViolation(_("“%(item)s” takes no answer.") % {"item": label})
        if value in (None, "", []):
            return None
        if item.type in ("text", "long_text", "file"):
            if not isinstance(value, str):
                raise RuleViolation(_("“%(item)s” takes text.") % {"item": label})
            if len(value) > MAX_TEXT:
                raise RuleViolation(_("“%(item)s” is too long.") % {"item": label})
            return value
        if item.type == "number":
            if from_form and isinstance(value, str):
                value = _number_from_text(value)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RuleViolation(_("“%(item)s” takes a number.") % {"item": label})
            return value
        if item.type == "date":
            try:
                return datetime.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise RuleViolation(
                    _("“%(item)s” takes a date as YYYY-MM-DD.") % {"item": label}
                ) from None
        allowed = self.allowed_values(item, answers)
        by_token = {option_token(v): v for v in allowed}

        def pick(one):
            if from_form and isinstance(one, str) and one in by_token:
                return by_token[one]
            if (
                not isinstance(one, str | bool)
                or one not in allowed
                or (isinstance(one, bool) != any(isinstance(a, bool) and a == one for a in allowed))
            ):
                raise RuleViolation(
                    _("“%(item)s” does not have the option %(value)s; choose from: %(options)s.")
                    % {
                        "item": label,
                        "value": repr(one),
                        "options": ", ".join(option_token(v) for v in allowed) or "—",
                    }
                )
            return one

        if item.type == "single_choice":
            if isinstance(value, list):
                raise RuleViolation(_("“%(item)s” takes one option.") % {"item": label})
            return pick(value)
        if not isinstance(value, list):
            if from_form:
                value = [value]
            else:
                raise RuleViolation(_("“%(item)s” takes a list of options.") % {"item": label})
        return [pick(one) for one in value]

    # --- scoring -------------------------------------------------------------------------

    def score(self, visible: dict) -> int:
        total = 0
        for (source_id, _instance), value in visible.items():
            item = self.by_source.get(source_id)
            if item is None or item.type not in ("single_choice", "multiple_choice"):
                continue
            chosen = value if isinstance(value, list) else [value]
            for option in item.options:
                if option["value"] in chosen and not (
                    isinstance(option["value"], bool)
                    and not any(isinstance(c, bool) for c in chosen)
                ):
                    total += int(option.get("score") or 0)
        return total

    def missing_required(self, answers: dict, counts: dict) -> list[Slot]:
        return [
            slot
            for slot in self.slots(answers, counts)
            if slot.visible
            and slot.item.required
            and slot.item.type in ANSWERABLE
            and answers.get((slot.item.source_id, slot.instance)) in (None, "", [])
        ]


def _number_from_text(text: str):
    """A number typed in a form ("3", "2,5", "2.5"), or the text itself when it is none."""
    try:
        return float(text.replace(",", ".")) if "." in text or "," in text else int(text)
    except ValueError:
        return text


def outcome_for(score: int, rules: list[dict]) -> dict | None:
    """The rule with the highest threshold the score reaches."""
    for rule in sorted(rules, key=lambda r: -r["min_score"]):
        if score >= rule["min_score"]:
            return rule
    return None
