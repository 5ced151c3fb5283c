"""Reads of the safeguards app: templates, assessments, and the coverage of an organisation,
aggregated in the database (one query per kind of subject)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from omslag.common.subjects import assessment_subject, assessment_subjects
from omslag.organisations.models import Organisation

from .gates import (
    DPIA_REQUIRED,
    Need,
    Requirement,
    When,
    open_high_risks,
    requirements_by_organisation,
    requirements_for,
    uses_defaults,
)
from .models import (
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    Mitigation,
    Risk,
    TemplateItem,
    TemplateKind,
)


def template_list() -> QuerySet[AssessmentTemplate]:
    return AssessmentTemplate.objects.annotate(item_count=Count("items")).order_by(
        "kind", "name", "-created_at"
    )


def template_items(template: AssessmentTemplate) -> list[TemplateItem]:
    return list(template.items.all())


def assessment_list(
    organisation: Organisation, *, status: str = "", kind: str = ""
) -> QuerySet[Assessment]:
    queryset = Assessment.objects.filter(organisation=organisation).select_related(
        "template", "experiment", "project", "application", "author"
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-updated_at")


def assessments_of(subject: Any) -> QuerySet[Assessment]:
    """The assessments of a record of any registered kind of subject."""
    from .gates import subject_filter

    return Assessment.objects.filter(**subject_filter(subject)).select_related("template")


def risks_of(assessment: Assessment) -> QuerySet[Risk]:
    return assessment.risks.prefetch_related("mitigations").order_by("-score", "pk")


@dataclass
class SubjectCoverage:
    subject: str
    total: int
    covered: int
    missing: list[tuple[int, str]] = field(default_factory=list)  # the first uncovered ones

    @property
    def share(self) -> float | None:
        return round(100 * self.covered / self.total, 1) if self.total else None


@dataclass
class Coverage:
    subjects: list[SubjectCoverage]
    open_high_risks: int
    overdue_mitigations: int
    uses_defaults: bool

    @property
    def total(self) -> int:
        return sum(s.total for s in self.subjects)

    @property
    def covered(self) -> int:
        return sum(s.covered for s in self.subjects)

    @property
    def share(self) -> float | None:
        return round(100 * self.covered / self.total, 1) if self.total else None


def _subject_queryset(
    subject_type: str, organisation: Organisation, organisation_ids: list[int] | None = None
) -> QuerySet[Any]:
    ids = [organisation.pk] if organisation_ids is None else organisation_ids
    subject = assessment_subject(subject_type)
    if subject is None:
        raise LookupError(f"No kind of subject {subject_type!r} is registered.")
    queryset: QuerySet[Any] = subject.live(ids)
    return queryset


def _approved_exists(subject_type: str, kind: str, **extra: Any) -> Exists:
    return Exists(
        Assessment.objects.filter(
            **{subject_type: OuterRef("pk")},
            kind=kind,
            status=AssessmentStatus.APPROVED,
            **extra,
        )
    )


def _when_q(subject_type: str, when: str) -> Q | None:
    """The condition as a filter, or None when it never holds for this kind of subject."""
    if when == When.ALWAYS:
        return Q()
    if subject_type != "experiment" and when in (When.PERSONAL_DATA, When.PUBLIC_FACING):
        return None
    if when == When.PERSONAL_DATA:
        return Q(processes_personal_data=True)
    if when == When.PUBLIC_FACING:
        return Q(public_facing=True)
    if when == When.PRESCAN_REQUIRES_DPIA:
        return Q(
            _approved_exists(subject_type, TemplateKind.PRIVACY_PRESCAN, outcome=DPIA_REQUIRED)
        )
    return None


def uncovered_filter(subject_type: str, requirements: Iterable[Requirement]) -> Q | None:
    """Subjects that lack at least one approved assessment their rules require (at any
    stage: coverage shows what is still to do, not only what the next gate needs)."""
    missing: Q | None = None
    seen: set[tuple[str, str]] = set()
    for requirement in requirements:
        if requirement.subject != subject_type or requirement.need != Need.ASSESSMENT:
            continue
        key = (requirement.template_kind, requirement.when)
        if key in seen:
            continue
        seen.add(key)
        condition = _when_q(subject_type, requirement.when)
        if condition is None:
            continue
        lacking = condition & ~Q(_approved_exists(subject_type, requirement.template_kind))
        missing = lacking if missing is None else missing | lacking
    return missing


def _uncovered_in_groups(
    subject_type: str, groups: dict[frozenset[Requirement], list[int]], *, single: bool
) -> Q | None:
    """One filter for subjects lacking an approved assessment their own organisation's rules
    require: per group of organisations with the same rules, its uncovered filter."""
    combined: Q | None = None
    for rules, organisation_ids in groups.items():
        lacking = uncovered_filter(subject_type, sorted(rules, key=repr))
        if lacking is None:
            continue
        if not single:
            lacking = Q(organisation_id__in=organisation_ids) & lacking
        combined = lacking if combined is None else combined | lacking
    return combined


def coverage_for(
    organisation: Organisation,
    *,
    missing_limit: int = 20,
    organisation_ids: list[int] | None = None,
    today: datetime.date | None = None,
) -> Coverage:
    """Per kind of subject: how many have every approved assessment their rules require;
    plus the open high risks and overdue mitigations of the organisation.

    With ``organisation_ids`` (the board dashboard's scope, e.g. a ministry and its agencies)
    the subjects, risks and mitigations of all those organisations count, each subject measured
    against the rules of its own organisation (its own, or the defaults)."""
    groups: dict[frozenset[Requirement], list[int]] = (
        {frozenset(requirements_for(organisation)): [organisation.pk]}
        if organisation_ids is None
        else requirements_by_organisation(organisation_ids)
    )
    subjects: list[SubjectCoverage] = []
    for subject in assessment_subjects():
        subject_type = subject.key
        queryset = _subject_queryset(subject_type, organisation, organisation_ids)
        uncovered = _uncovered_in_groups(subject_type, groups, single=organisation_ids is None)
        if uncovered is None:
            total = queryset.count()
            subjects.append(SubjectCoverage(subject_type, total, total))
            continue
        counts = queryset.aggregate(total=Count("pk"), uncovered=Count("pk", filter=uncovered))
        name_field = subject.name_field
        missing = list(
            queryset.filter(uncovered)
            .order_by(name_field)
            .values_list("pk", name_field)[:missing_limit]
        )
        subjects.append(
            SubjectCoverage(
                subject_type, counts["total"], counts["total"] - counts["uncovered"], missing
            )
        )
    today = today or timezone.localdate()
    scope: dict[str, Any] = (
        {"organisation": organisation}
        if organisation_ids is None
        else {"organisation_id__in": organisation_ids}
    )
    return Coverage(
        subjects=subjects,
        open_high_risks=open_high_risks(scope).count(),
        overdue_mitigations=overdue_mitigations(organisation, today, organisation_ids).count(),
        uses_defaults=uses_defaults(organisation),
    )


def overdue_mitigations(
    organisation: Organisation, today: datetime.date, organisation_ids: list[int] | None = None
) -> QuerySet[Mitigation]:
    scope: dict[str, Any] = (
        {"risk__assessment__organisation": organisation}
        if organisation_ids is None
        else {"risk__assessment__organisation_id__in": organisation_ids}
    )
    return Mitigation.objects.filter(
        **scope,
        risk__assessment__deleted_at__isnull=True,
        risk__deleted_at__isnull=True,
        due_date__lt=today,
    ).exclude(status__in=[Mitigation.Status.IMPLEMENTED, Mitigation.Status.APPROVED])


def subject_count(organisation: Organisation) -> int:
    """How many records of ``organisation`` an assessment can be about."""
    return sum(subject.choosable(organisation).count() for subject in assessment_subjects())


def subject_find(organisation: Organisation, text: str) -> list[str]:
    """The choice values (``kind:id``) of the records of ``organisation`` an assessment can be
    about whose name is ``text`` (any case), or whose number it is (``kind:id`` or the id)."""
    text = text.strip()
    key, _, number = text.rpartition(":") if ":" in text else ("", "", text)
    found = []
    for subject in assessment_subjects():
        records = subject.choosable(organisation)
        if number.isdigit() and key in ("", subject.key):
            numbered = records.filter(pk=int(number)).values_list("pk", flat=True)
            found += [f"{subject.key}:{pk}" for pk in numbered]
        found += [
            f"{subject.key}:{pk}"
            for pk in records.filter(**{f"{subject.name_field}__iexact": text}).values_list(
                "pk", flat=True
            )[:2]
        ]
    return sorted(set(found))


def subject_choices(
    organisation: Organisation, only: str = ""
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The records of ``organisation`` an assessment can be about, grouped by kind for a
    choice field (value ``kind:id``); the kinds come from the apps' registrations. ``only``
    (a value ``kind:id``) keeps just that record, when it is one of them."""
    key, _, number = only.partition(":")
    groups = []
    for subject in assessment_subjects():
        records = subject.choosable(organisation)
        if only:
            records = records.filter(pk=int(number)) if key == subject.key else records.none()
        choices = [
            (f"{subject.key}:{record.pk}", getattr(record, subject.name_field))
            for record in records
        ]
        if choices or not only:
            groups.append((subject.label, choices))
    return groups
