"""Reads of the safeguards app: templates, assessments, and the coverage of an organisation,
aggregated in the database (one query per kind of subject)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from omslag.common.subjects import assessment_subject, assessment_subjects

from .gates import (
    DPIA_REQUIRED,
    Need,
    When,
    open_high_risks,
    requirements_by_organisation,
    requirements_for,
)
from .models import (
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    Mitigation,
    TemplateKind,
)


def template_list():
    return AssessmentTemplate.objects.annotate(item_count=Count("items")).order_by(
        "kind", "name", "-created_at"
    )


def template_items(template):
    return list(template.items.all())


def assessment_list(organisation, *, status: str = "", kind: str = ""):
    queryset = Assessment.objects.filter(organisation=organisation).select_related(
        "template", "experiment", "project", "application", "author"
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-updated_at")


def assessments_of(subject):
    from .gates import subject_filter

    return Assessment.objects.filter(**subject_filter(subject)).select_related("template")


def risks_of(assessment):
    return assessment.risks.prefetch_related("mitigations").order_by("-score", "pk")


@dataclass
class SubjectCoverage:
    subject: str
    total: int
    covered: int
    missing: list = field(default_factory=list)  # (pk, name) of the first uncovered ones

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


def _subject_queryset(subject_type, organisation, organisation_ids=None):
    ids = [organisation.pk] if organisation_ids is None else organisation_ids
    return assessment_subject(subject_type).live(ids)


def _approved_exists(subject_type, kind, **extra):
    return Exists(
        Assessment.objects.filter(
            **{subject_type: OuterRef("pk")},
            kind=kind,
            status=AssessmentStatus.APPROVED,
            **extra,
        )
    )


def _when_q(subject_type, when) -> Q | None:
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


def uncovered_filter(subject_type, requirements) -> Q | None:
    """Subjects that lack at least one approved assessment their rules require (at any
    stage: coverage shows what is still to do, not only what the next gate needs)."""
    missing = None
    seen = set()
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


def _uncovered_in_groups(subject_type, groups, *, single: bool) -> Q | None:
    """One filter for subjects lacking an approved assessment their own organisation's rules
    require: per group of organisations with the same rules, its uncovered filter."""
    combined = None
    for rules, organisation_ids in groups.items():
        lacking = uncovered_filter(subject_type, sorted(rules, key=repr))
        if lacking is None:
            continue
        if not single:
            lacking = Q(organisation_id__in=organisation_ids) & lacking
        combined = lacking if combined is None else combined | lacking
    return combined


def coverage_for(
    organisation, *, missing_limit: int = 20, organisation_ids=None, today=None
) -> Coverage:
    """Per kind of subject: how many have every approved assessment their rules require;
    plus the open high risks and overdue mitigations of the organisation.

    With ``organisation_ids`` (the board dashboard's scope, e.g. a ministry and its agencies)
    the subjects, risks and mitigations of all those organisations count, each subject measured
    against the rules of its own organisation (its own, or the defaults)."""
    groups = (
        {frozenset(requirements_for(organisation)): [organisation.pk]}
        if organisation_ids is None
        else requirements_by_organisation(organisation_ids)
    )
    subjects = []
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
    scope = (
        {"organisation": organisation}
        if organisation_ids is None
        else {"organisation_id__in": organisation_ids}
    )
    return Coverage(
        subjects=subjects,
        open_high_risks=open_high_risks(scope).count(),
        overdue_mitigations=overdue_mitigations(organisation, today, organisation_ids).count(),
        uses_defaults=not organisation.gate_requirements.exists(),
    )


def overdue_mitigations(organisation, today: datetime.date, organisation_ids=None):
    scope = (
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


def subject_choices(organisation) -> list:
    """The records of ``organisation`` an assessment can be about, grouped by kind for a
    choice field (value ``kind:id``); the kinds come from the apps' registrations."""
    return [
        (
            subject.label,
            [
                (f"{subject.key}:{record.pk}", getattr(record, subject.name_field))
                for record in subject.choosable(organisation)
            ],
        )
        for subject in assessment_subjects()
    ]
