"""Gate rules: conditions a stage transition of an experiment must meet.

The list is pluggable: other apps (safeguards) register their own rules in their ``ready()``.
A rule returns the problems it finds, as sentences a person can act on; no problems means the
gate opens.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .models import Decision, Experiment, Stage


@dataclass(frozen=True)
class GateRule:
    code: str
    label: str
    to_stages: tuple[str, ...]
    check: Callable[[Experiment], list[str]]


_rules: dict[str, GateRule] = {}


def gate_rule_register(rule: GateRule) -> None:
    _rules[rule.code] = rule


def gate_rules() -> list[GateRule]:
    return list(_rules.values())


def gate_problems(experiment: Experiment, to_stage: str) -> list[str]:
    problems = []
    for rule in _rules.values():
        if to_stage in rule.to_stages:
            problems.extend(rule.check(experiment))
    return problems


def _design_complete(experiment: Experiment) -> list[str]:
    missing = []
    required = [
        ("hypothesis", _("hypothesis")),
        ("intervention", _("intervention")),
        ("primary_metric", _("primary metric")),
        ("design_type", _("design")),
        ("planned_start", _("planned start")),
        ("planned_end", _("planned end")),
    ]
    if experiment.design_type != Experiment.DesignType.QUALITATIVE:
        required += [
            ("minimum_detectable_effect", _("minimum detectable effect")),
            ("sample_size_per_group", _("units per group")),
        ]
    for field, label in required:
        if getattr(experiment, field) in (None, ""):
            missing.append(label)
    if not missing:
        return []
    # A list after a colon reads right for one part or several, in English and in Dutch.
    return [
        _("The design is not complete. Not filled in yet: %(fields)s.")
        % {"fields": get_text_list([str(label) for label in missing], _("and"))}
    ]


def _decision_recorded(experiment: Experiment) -> list[str]:
    latest = experiment.decisions.order_by("-decided_on", "-id").first()
    if latest is None or latest.outcome != Decision.Outcome.SCALE:
        return [_("No decision to scale is recorded; record the decision first.")]
    return []


def _track_opened(experiment: Experiment) -> list[str]:
    from .models import ImplementationTrack

    if not ImplementationTrack.objects.filter(experiment=experiment).exists():
        return [
            _(
                "Open the implementation track first: an owner in the line organisation "
                "and the funding."
            )
        ]
    return []


gate_rule_register(
    GateRule(
        code="design-complete",
        label="design complete before running",
        to_stages=(Stage.RUNNING,),
        check=_design_complete,
    )
)
gate_rule_register(
    GateRule(
        code="decision-before-implementation",
        label="decision recorded before implementation",
        to_stages=(Stage.IMPLEMENTATION,),
        check=_decision_recorded,
    )
)
gate_rule_register(
    GateRule(
        code="implementation-track",
        label="implementation track opened before implementation",
        to_stages=(Stage.IMPLEMENTATION,),
        check=_track_opened,
    )
)
