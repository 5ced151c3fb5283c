"""Writes of assessments: create, answer (step by step), submit, review, risks and
mitigations, and an organisation's gate requirements."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.common.history import save_with_history
from omslag.common.locking import version_claim
from omslag.common.records import fields_check
from omslag.common.subjects import assessment_subject_of
from omslag.organisations.models import Organisation

from ..coverage_stored import coverage_changed
from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    GateRequirement,
    Mitigation,
    Risk,
)
from ..questionnaire import AnswerInvalid, Questionnaire, answer_key, outcome_for

ANSWER_STEP_ALL = None
# The answers of an assessment: (item source id, repeat path) -> the stored JSON value.
Answers = dict[tuple[str, str], Any]
RISK_FIELDS = ("description", "likelihood", "impact", "owner")
MITIGATION_FIELDS = ("description", "owner", "due_date", "status")


def questionnaire_of(template: AssessmentTemplate) -> Questionnaire:
    return Questionnaire(list(template.items.all()))


def stored_answers(assessment: Assessment) -> Answers:
    return {
        (source_id, instance): value
        for source_id, instance, value in assessment.answers.values_list(
            "item__source_id", "repeat", "value"
        )
    }


@transaction.atomic
def assessment_create(
    *, actor: Any, template: AssessmentTemplate, subject: Any, title: str = ""
) -> Assessment:
    """Start an assessment of an experiment, project or application on ``template``."""
    assessment = Assessment(
        organisation=subject.organisation,
        template=template,
        kind=template.kind,
        title=title.strip() or f"{template.name} — {subject}"[:300],
        author=actor if getattr(actor, "pk", None) else None,
        **{assessment_subject_of(subject).key: subject},
    )
    save_with_history(assessment, actor=actor, reason=_("started"))
    coverage_changed([assessment.organisation_id])
    return assessment


def _recompute(assessment: Assessment, questionnaire: Questionnaire, answers: Answers) -> None:
    visible = questionnaire.visible_answers(answers, assessment.repeat_counts)
    assessment.score = questionnaire.score(visible)
    rule = outcome_for(assessment.score, assessment.template.outcome_rules)
    assessment.outcome = rule["outcome"] if rule else ""
    assessment.outcome_label = rule["label"] if rule else ""


@transaction.atomic
def assessment_answers_save(
    *,
    actor: Any,
    assessment: Assessment,
    answers: Sequence[dict[str, Any]],
    expected_version: int | None = None,
    step: int | None = ANSWER_STEP_ALL,
    from_form: bool = False,
) -> Assessment:
    """Save answers ``[{item, repeat, value}]`` (item is the source id), all or none.

    With ``step``, items of that step that are not in ``answers`` are cleared (a web form
    sends every field of its step). Answers to items a condition hides are removed, and the
    score and outcome are computed again.
    """
    questionnaire = questionnaire_of(assessment.template)
    current = stored_answers(assessment)
    incoming: Answers = {}
    problems: dict[str, str] = {}
    for index, entry in enumerate(answers):
        source_id = str(entry.get("item", ""))
        instance = str(entry.get("repeat") or "")
        key = answer_key(source_id, instance) or f"answers[{index}]"
        item = questionnaire.by_source.get(source_id)
        if item is None:
            problems[key] = _("no such item in this template")
            continue
        depth = len(questionnaire.repeat_chain(item))
        parts = instance.split(".") if instance else []
        if len(parts) != depth or not all(p.isdigit() for p in parts):
            problems[key] = _("needs a repeat path of %(n)s number(s), such as %(example)s") % {
                "n": depth,
                "example": ".".join(["0"] * depth) or '""',
            }
            continue
        incoming[(source_id, instance)] = entry.get("value")
    merged = dict(current)
    if step is not None:
        for slot in questionnaire.slots(current, assessment.repeat_counts, step=step):
            merged.pop((slot.item.source_id, slot.instance), None)
    merged.update(incoming)
    for (source_id, instance), value in incoming.items():
        item = questionnaire.by_source[source_id]
        try:
            merged[(source_id, instance)] = questionnaire.clean_value(
                item, value, merged, from_form=from_form
            )
        except RuleViolation as error:
            problems[answer_key(source_id, instance)] = error.message
    if problems:
        raise AnswerInvalid(problems)
    merged = {key: value for key, value in merged.items() if value is not None}
    visible = questionnaire.visible_answers(merged, assessment.repeat_counts)
    if expected_version is not None:
        version_claim(assessment, expected_version)
    _answers_store(actor, assessment, questionnaire, current, visible)
    _recompute(assessment, questionnaire, visible)
    save_with_history(assessment, actor=actor, reason=_("answers saved"))
    coverage_changed([assessment.organisation_id])  # the outcome may have changed
    return assessment


def _answers_store(
    actor: Any,
    assessment: Assessment,
    questionnaire: Questionnaire,
    current: Answers,
    wanted: Answers,
) -> None:
    stale = [key for key in current if key not in wanted]
    if stale:
        for answer in assessment.answers.select_related("item"):
            if (answer.item.source_id, answer.repeat) in stale:
                answer._history_user = actor
                answer.delete()
    existing = {(a.item.source_id, a.repeat): a for a in assessment.answers.select_related("item")}
    for (source_id, instance), value in wanted.items():
        stored = existing.get((source_id, instance))
        if stored is not None and stored.value == value:
            continue
        if stored is None:
            stored = Answer(
                assessment=assessment, item=questionnaire.by_source[source_id], repeat=instance
            )
        else:
            stored.version += 1
        stored.value = value
        save_with_history(stored, actor=actor)


@transaction.atomic
def assessment_add_instance(
    *, actor: Any, assessment: Assessment, item_source_id: str, parent_instance: str
) -> Assessment:
    """One more repetition of a repeatable item ('add another')."""
    questionnaire = questionnaire_of(assessment.template)
    item = questionnaire.by_source.get(item_source_id)
    if item is None or not item.repeatable:
        raise RuleViolation(_("That item cannot be repeated."))
    answers = stored_answers(assessment)
    count = questionnaire.repeat_count(item, parent_instance, assessment.repeat_counts, answers)
    if count >= 200:
        raise RuleViolation(_("No more than 200 repetitions."))
    counts = dict(assessment.repeat_counts)
    counts[f"{item.source_id}@{parent_instance}"] = count + 1
    Assessment.objects.filter(pk=assessment.pk).update(repeat_counts=counts)
    assessment.repeat_counts = counts
    return assessment


def _status_change(
    assessment: Assessment,
    *,
    actor: Any,
    expected_version: int | None,
    to_status: str,
    reason: str,
) -> Assessment:
    if expected_version is not None:
        version_claim(assessment, expected_version)
    assessment.status = to_status
    save_with_history(assessment, actor=actor, reason=reason)
    coverage_changed([assessment.organisation_id])
    return assessment


@transaction.atomic
def assessment_submit(
    *, actor: Any, assessment: Assessment, expected_version: int | None = None
) -> Assessment:
    """Send for review; every shown required question must have an answer."""
    questionnaire = questionnaire_of(assessment.template)
    answers = stored_answers(assessment)
    missing = questionnaire.missing_required(answers, assessment.repeat_counts)
    if missing:
        raise RuleViolation(
            _("Answer the required questions first: %(items)s.")
            % {"items": ", ".join(f"{s.item.source_id} {s.item.label[:50]}" for s in missing[:10])}
        )
    assessment.submitted_at = timezone.now()
    assessment.reviewed_by, assessment.reviewed_at = None, None
    return _status_change(
        assessment,
        actor=actor,
        expected_version=expected_version,
        to_status=AssessmentStatus.IN_REVIEW,
        reason=_("submitted for review"),
    )


def _review(
    assessment: Assessment,
    *,
    actor: Any,
    expected_version: int | None,
    to_status: str,
    note: str,
    reason: str,
) -> Assessment:
    if assessment.status != AssessmentStatus.IN_REVIEW:
        raise RuleViolation(_("Only an assessment in review can be approved or rejected."))
    assessment.reviewed_by = actor
    assessment.reviewed_at = timezone.now()
    assessment.review_note = note.strip()
    return _status_change(
        assessment,
        actor=actor,
        expected_version=expected_version,
        to_status=to_status,
        reason=reason,
    )


@transaction.atomic
def assessment_approve(
    *, actor: Any, assessment: Assessment, note: str = "", expected_version: int | None = None
) -> Assessment:
    """Sign-off by a safeguard officer who is not the author."""
    return _review(
        assessment,
        actor=actor,
        expected_version=expected_version,
        to_status=AssessmentStatus.APPROVED,
        note=note,
        reason=_("approved"),
    )


@transaction.atomic
def assessment_reject(
    *, actor: Any, assessment: Assessment, note: str = "", expected_version: int | None = None
) -> Assessment:
    if not note.strip():
        raise RuleViolation(_("Say why the assessment is rejected, so the author can act on it."))
    return _review(
        assessment,
        actor=actor,
        expected_version=expected_version,
        to_status=AssessmentStatus.REJECTED,
        note=note,
        reason=_("rejected"),
    )


# --- risks and mitigations ---------------------------------------------------------------


def _risk_score(risk: Risk) -> None:
    if isinstance(risk.likelihood, int) and isinstance(risk.impact, int):
        risk.score = risk.likelihood * risk.impact


@transaction.atomic
def risk_create(*, actor: Any, assessment: Assessment, **fields: Any) -> Risk:
    fields_check(fields, RISK_FIELDS)
    risk = Risk(assessment=assessment, **fields)
    _risk_score(risk)
    save_with_history(risk, actor=actor, reason=_("risk added"))
    coverage_changed([assessment.organisation_id])
    return risk


@transaction.atomic
def risk_update(
    *, actor: Any, risk: Risk, expected_version: int | None = None, **changes: Any
) -> Risk:
    fields_check(changes, RISK_FIELDS)
    if expected_version is not None:
        version_claim(risk, expected_version)
    for name, value in changes.items():
        setattr(risk, name, value)
    _risk_score(risk)
    save_with_history(risk, actor=actor)
    coverage_changed([risk.assessment.organisation_id])
    return risk


@transaction.atomic
def risk_delete(*, actor: Any, risk: Risk, expected_version: int | None = None) -> None:
    if expected_version is not None:
        version_claim(risk, expected_version)
    risk.deleted_at = timezone.now()
    save_with_history(risk, actor=actor, reason=_("deleted"))
    coverage_changed([risk.assessment.organisation_id])


@transaction.atomic
def mitigation_create(*, actor: Any, risk: Risk, **fields: Any) -> Mitigation:
    fields_check(fields, MITIGATION_FIELDS)
    mitigation = Mitigation(risk=risk, **fields)
    save_with_history(mitigation, actor=actor, reason=_("mitigation added"))
    coverage_changed([risk.assessment.organisation_id])
    return mitigation


@transaction.atomic
def mitigation_update(
    *, actor: Any, mitigation: Mitigation, expected_version: int | None = None, **changes: Any
) -> Mitigation:
    fields_check(changes, MITIGATION_FIELDS)
    if expected_version is not None:
        version_claim(mitigation, expected_version)
    for name, value in changes.items():
        setattr(mitigation, name, value)
    save_with_history(mitigation, actor=actor)
    coverage_changed([mitigation.risk.assessment.organisation_id])
    return mitigation


# --- gate requirements ---------------------------------------------------------------------


@transaction.atomic
def gate_requirements_save(
    *, actor: Any, organisation: Organisation, rules: list[dict[str, Any]]
) -> list[GateRequirement]:
    """Replace the organisation's requirements by ``rules`` (dicts of the model's fields);
    an empty list returns the organisation to the defaults."""
    now = timezone.now()
    for old in GateRequirement.objects.filter(organisation=organisation):
        old.deleted_at = now
        save_with_history(old, actor=actor, reason=_("replaced"))
    saved = []
    for rule in rules:
        fields_check(rule, ("subject", "stage", "need", "template_kind", "when"))
        requirement = GateRequirement(organisation=organisation, **rule)
        save_with_history(requirement, actor=actor, reason=_("gate requirement set"))
        saved.append(requirement)
    coverage_changed([organisation.pk])
    return saved
