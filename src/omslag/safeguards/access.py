"""Who may do what with safeguard assessments: the one place this is decided.

Everyone with a role on the organisation reads its assessments; editors and administrators
write them while they are open; only a safeguard officer who is not the author reviews and
signs off. Templates are shared by all: every signed-in person reads them, only platform
administrators (and the command line) import them.
"""

from django.http import Http404

from omslag.common.subjects import assessment_subject
from omslag.organisations.access import (
    organisation_can_change,
    organisation_can_manage_members,
    organisation_can_read,
    person_roles,
)
from omslag.organisations.models import Role

from .models import Assessment, AssessmentStatus, Mitigation, Risk

OPEN_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.REJECTED)


def _pk(pk):
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None


def template_can_import(person) -> bool:
    return bool(person is not None and person.is_authenticated and person.is_superuser)


def assessments_can_read(person, organisation) -> bool:
    return organisation_can_read(person, organisation)


def assessments_can_create(person, organisation) -> bool:
    return organisation_can_change(person, organisation)


def assessment_can_edit(person, assessment: Assessment) -> bool:
    """Answers, title and submitting: editors while the assessment is open."""
    return assessment.status in OPEN_STATUSES and organisation_can_change(
        person, assessment.organisation
    )


def assessment_can_manage_risks(person, assessment: Assessment) -> bool:
    """Risks and mitigations stay editable after sign-off: they are tracked to the end."""
    return organisation_can_change(person, assessment.organisation) or is_safeguard_officer(
        person, assessment.organisation
    )


def is_safeguard_officer(person, organisation) -> bool:
    return Role.SAFEGUARD_OFFICER in person_roles(person, organisation)


def assessment_can_review(person, assessment: Assessment) -> bool:
    """A safeguard officer of the organisation who did not write the assessment."""
    return is_safeguard_officer(
        person, assessment.organisation
    ) and assessment.author_id != getattr(person, "pk", None)


def mitigation_can_approve(person, mitigation: Mitigation) -> bool:
    assessment = mitigation.risk.assessment
    return assessment_can_review(person, assessment)


def mitigation_can_set(person, risk: Risk, *, status: str | None = None) -> bool:
    """Add or change a mitigation of ``risk``; setting it to approved is the safeguard
    officer's call (not the author's)."""
    if not assessment_can_manage_risks(person, risk.assessment):
        return False
    return status != Mitigation.Status.APPROVED or assessment_can_review(person, risk.assessment)


def gate_requirements_can_change(person, organisation) -> bool:
    return organisation_can_manage_members(person, organisation)


def assessment_get_readable(person, pk) -> Assessment:
    assessment = (
        Assessment.objects.select_related("organisation", "template", "author", "reviewed_by")
        .filter(pk=_pk(pk))
        .first()
    )
    if assessment is None or not organisation_can_read(person, assessment.organisation):
        raise Http404("No assessment matches the given query.")
    return assessment


def risk_get_readable(person, pk) -> Risk:
    risk = Risk.objects.select_related("assessment__organisation").filter(pk=_pk(pk)).first()
    if risk is None or not organisation_can_read(person, risk.assessment.organisation):
        raise Http404("No risk matches the given query.")
    return risk


def mitigation_get_readable(person, pk) -> Mitigation:
    mitigation = (
        Mitigation.objects.select_related("risk__assessment__organisation")
        .filter(pk=_pk(pk))
        .first()
    )
    if mitigation is None or not organisation_can_read(
        person, mitigation.risk.assessment.organisation
    ):
        raise Http404("No mitigation matches the given query.")
    return mitigation


def subject_get_readable(person, subject_type: str, pk):
    """The record of a registered kind (experiment, project, application) an assessment is
    about, or Http404."""
    kind = assessment_subject(subject_type)
    if kind is None:
        raise Http404("Unknown kind of subject.")
    subject = kind.model.objects.select_related("organisation").filter(pk=_pk(pk)).first()
    if subject is None or not organisation_can_read(person, subject.organisation):
        raise Http404("No such subject.")
    return subject
