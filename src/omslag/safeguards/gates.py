"""Which approved assessments a stage transition needs, per organisation.

An organisation's own GateRequirement rows replace the defaults below as a whole. For
experiments a requirement set at a stage holds for the move to that stage and to every later
one (so nothing reaches implementation without what running needed); for projects it holds
for the move to that status. Applications have no stages: their requirements only count in
the coverage figures.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omslag.common.subjects import assessment_subject, assessment_subject_of

from .models import (
    HIGH_RISK_SCORE,
    Assessment,
    AssessmentStatus,
    GateRequirement,
    Mitigation,
    Risk,
    TemplateKind,
)

Need, When = GateRequirement.Need, GateRequirement.When
DPIA_REQUIRED = "dpia_required"


@dataclass(frozen=True)
class Requirement:
    subject: str
    stage: str
    need: str
    template_kind: str = ""
    when: str = "always"


DEFAULT_REQUIREMENTS = (
    Requirement(
        "experiment", "running", Need.ASSESSMENT, TemplateKind.PRIVACY_PRESCAN, When.PERSONAL_DATA
    ),
    Requirement(
        "experiment", "running", Need.ASSESSMENT, TemplateKind.DPIA, When.PRESCAN_REQUIRES_DPIA
    ),
    Requirement(
        "experiment", "running", Need.ASSESSMENT, TemplateKind.ACCESSIBILITY, When.PUBLIC_FACING
    ),
    Requirement("experiment", "implementation", Need.NO_OPEN_HIGH_RISK),
    Requirement("project", "in_progress", Need.ASSESSMENT, TemplateKind.SECURITY),
    Requirement("project", "completed", Need.NO_OPEN_HIGH_RISK),
    Requirement("application", "", Need.ASSESSMENT, TemplateKind.SECURITY),
)


def requirements_for(organisation) -> list[Requirement]:
    """The organisation's own requirements, or the defaults when it has none."""
    own = [
        Requirement(r.subject, r.stage, r.need, r.template_kind, r.when)
        for r in GateRequirement.objects.filter(organisation=organisation)
    ]
    return own or list(DEFAULT_REQUIREMENTS)


def requirements_by_organisation(organisation_ids) -> dict[frozenset, list[int]]:
    """The organisations grouped by the rules that hold for them (their own, or the defaults):
    {rules: [organisation ids]}, for figures over several organisations (a ministry with its
    agencies) where each organisation is measured against its own rules."""
    own: dict[int, set[Requirement]] = {}
    for r in GateRequirement.objects.filter(organisation_id__in=list(organisation_ids)):
        own.setdefault(r.organisation_id, set()).add(
            Requirement(r.subject, r.stage, r.need, r.template_kind, r.when)
        )
    groups: dict[frozenset, list[int]] = {}
    for organisation_id in organisation_ids:
        rules = frozenset(own.get(organisation_id) or DEFAULT_REQUIREMENTS)
        groups.setdefault(rules, []).append(organisation_id)
    return groups


def uses_defaults(organisation) -> bool:
    return not GateRequirement.objects.filter(organisation=organisation).exists()


def _stage_reached(requirement_stage: str, to_stage: str, subject_type: str) -> bool:
    kind = assessment_subject(subject_type)
    if kind is None or not kind.ordered:
        return requirement_stage == to_stage
    order = kind.stages()
    if requirement_stage not in order or to_stage not in order:
        return False
    return order.index(to_stage) >= order.index(requirement_stage)


def subject_filter(subject) -> dict:
    return {assessment_subject_of(subject).key: subject}


def _approved(subject, kind) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        **subject_filter(subject), kind=kind, status=AssessmentStatus.APPROVED
    )


def condition_holds(subject, when: str) -> bool:
    if when == When.ALWAYS:
        return True
    if when == When.PERSONAL_DATA:
        return bool(getattr(subject, "processes_personal_data", False))
    if when == When.PUBLIC_FACING:
        return bool(getattr(subject, "public_facing", False))
    if when == When.PRESCAN_REQUIRES_DPIA:
        return (
            _approved(subject, TemplateKind.PRIVACY_PRESCAN).filter(outcome=DPIA_REQUIRED).exists()
        )
    return False


REASONS = {
    When.ALWAYS: "",
    When.PERSONAL_DATA: gettext_lazy("it processes personal data"),
    When.PUBLIC_FACING: gettext_lazy("it is public-facing"),
    When.PRESCAN_REQUIRES_DPIA: gettext_lazy("the privacy pre-scan says a DPIA is required"),
}


def open_high_risks(subject_filter_kwargs: dict):
    approved = Mitigation.objects.filter(risk=OuterRef("pk"), status=Mitigation.Status.APPROVED)
    prefixed = {f"assessment__{k}": v for k, v in subject_filter_kwargs.items()}
    return Risk.objects.filter(
        **prefixed, assessment__deleted_at__isnull=True, score__gte=HIGH_RISK_SCORE
    ).exclude(Exists(approved))


def requirement_problems(subject, to_stage: str, subject_type: str) -> list[str]:
    """What ``subject`` lacks to move to ``to_stage``: sentences a person can act on."""
    problems = []
    for requirement in requirements_for(subject.organisation):
        if requirement.subject != subject_type:
            continue
        if not _stage_reached(requirement.stage, to_stage, subject_type):
            continue
        if requirement.need == Need.NO_OPEN_HIGH_RISK:
            risks = list(open_high_risks(subject_filter(subject))[:5])
            if risks:
                problems.append(
                    _("High risks without an approved mitigation: %(risks)s.")
                    % {"risks": "; ".join(f"{r.description[:60]} ({r.score})" for r in risks)}
                )
            continue
        if not condition_holds(subject, requirement.when):
            continue
        if not _approved(subject, requirement.template_kind).exists():
            label = TemplateKind(requirement.template_kind).label
            reason = REASONS.get(requirement.when, "")
            problems.append(
                (
                    _("An approved %(assessment)s is missing (%(reason)s).")
                    % {"assessment": label, "reason": reason}
                )
                if reason
                else _("An approved %(assessment)s is missing.") % {"assessment": label}
            )
    return problems


def register() -> None:
    """Hook the requirements into the experiment and project gates."""
    from omslag.innovation.gates import GateRule, gate_rule_register
    from omslag.innovation.models import STAGE_ORDER
    from omslag.projects.gates import ProjectGateRule, project_gate_rule_register
    from omslag.projects.models import Project

    for stage in STAGE_ORDER:
        gate_rule_register(
            GateRule(
                code=f"safeguards-{stage}",
                label=f"safeguard assessments before {stage}",
                to_stages=(stage,),
                check=lambda experiment, stage=str(stage): requirement_problems(
                    experiment, stage, "experiment"
                ),
            )
        )
    for status in Project.Status.values:
        project_gate_rule_register(
            ProjectGateRule(
                code=f"safeguards-{status}",
                label=f"safeguard assessments before {status}",
                to_statuses=(status,),
                check=lambda project, status=status: requirement_problems(
                    project, status, "project"
                ),
            )
        )
