"""Writes of the algorithm register, the measure states and the Algoritmekader import: each
atomic, validated with full_clean() and (for register records) kept in the history."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.common.history import restore_fields, save_with_history
from omslag.common.locking import version_claim
from omslag.common.records import fields_check
from omslag.organisations.models import Organisation

from . import framework
from .models import AlgorithmRecord, FrameworkRole, Measure, MeasureState, Phase, Requirement

ALGORITHM_FIELDS = (
    "name",
    "description_short",
    "theme",
    "status",
    "start_date",
    "end_date",
    "contact",
    "link",
    "publication_category",
    "source_link",
    "purpose_and_impact",
    "considerations",
    "human_intervention",
    "risk_management",
    "legal_basis",
    "legal_basis_link",
    "legal_basis_title",
    "processing_register_link",
    "impact_assessments",
    "impact_assessment_link",
    "impact_assessment_explanation",
    "data",
    "data_source_link",
    "data_source_title",
    "technical_operation",
    "supplier",
    "source_code_link",
    "search_terms",
    "ai_type",
    "risk_group",
    "ai_role",
    "open_source",
    "systemic_risk",
    "transparency_obligation",
    "third_party_assessment",
    "experiment",
    "application",
)

State = MeasureState.State
# Which state may follow which: work goes through review before it is done; a done measure
# can be reopened; "not applicable" needs a reason and can be taken back.
TRANSITIONS = {
    State.TO_DO: {State.IN_PROGRESS, State.NOT_APPLICABLE},
    State.IN_PROGRESS: {State.TO_DO, State.IN_REVIEW, State.NOT_APPLICABLE},
    State.IN_REVIEW: {State.IN_PROGRESS, State.DONE},
    State.DONE: {State.IN_PROGRESS},
    State.NOT_APPLICABLE: {State.TO_DO},
}


# --- algorithms ---------------------------------------------------------------------------


@transaction.atomic
def algorithm_create(*, actor: Any, organisation: Organisation, **fields: Any) -> AlgorithmRecord:
    fields_check(fields, ALGORITHM_FIELDS)
    algorithm = AlgorithmRecord(organisation=organisation, **fields)
    save_with_history(algorithm, actor=actor)
    return algorithm


@transaction.atomic
def algorithm_update(
    *, actor: Any, algorithm: AlgorithmRecord, expected_version: int, **changes: Any
) -> AlgorithmRecord:
    fields_check(changes, ALGORITHM_FIELDS)
    version_claim(algorithm, expected_version)
    for name, value in changes.items():
        setattr(algorithm, name, value)
    save_with_history(algorithm, actor=actor)
    return algorithm


@transaction.atomic
def algorithm_delete(
    *, actor: Any, algorithm: AlgorithmRecord, expected_version: int | None = None
) -> None:
    """Soft delete; the history and the measure states stay."""
    if expected_version is not None:
        version_claim(algorithm, expected_version)
    algorithm.deleted_at = timezone.now()
    save_with_history(algorithm, actor=actor, reason=_("deleted"))


@transaction.atomic
def algorithm_restore(*, actor: Any, record: AlgorithmRecord, history_id: int) -> AlgorithmRecord:
    restored: AlgorithmRecord = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=ALGORITHM_FIELDS
    )
    return restored


# --- measure states -----------------------------------------------------------------------


@transaction.atomic
def measure_state_set(
    *,
    actor: Any,
    algorithm: AlgorithmRecord,
    measure: Measure,
    state: str,
    reason: str = "",
    expected_version: int | None = None,
) -> MeasureState:
    """Move one applicable measure of ``algorithm`` to ``state``; refuses a transition that
    skips a step, and "not applicable" without a reason."""
    from .selectors import measure_is_applicable

    if state not in State.values:
        raise RuleViolation(_("Unknown state %(state)s.") % {"state": state})
    if not measure_is_applicable(algorithm, measure):
        raise RuleViolation(
            _("Measure %(code)s does not follow from this algorithm's AI Act profile.")
            % {"code": measure.code}
        )
    record = (
        MeasureState.objects.select_for_update()
        .filter(algorithm=algorithm, measure=measure)
        .first()
    )
    if record is None:
        record = MeasureState(algorithm=algorithm, measure=measure)
    elif expected_version is not None:
        version_claim(record, expected_version)
    current = State(record.state)
    if state != current and state not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(str(s) for s in TRANSITIONS[current]))
        raise RuleViolation(
            _(
                "A measure cannot go from %(from)s to %(to)s; from %(from)s it can go to: "
                "%(allowed)s."
            )
            % {"from": current.value, "to": state, "allowed": allowed}
        )
    record.state = state
    record.reason = reason.strip()
    save_with_history(record, actor=actor)
    return record


# --- the Algoritmekader import ------------------------------------------------------------


@dataclass
class FrameworkImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    links_added: int = 0
    links_removed: int = 0
    links_total: int = 0
    problems: list[framework.Problem] = field(default_factory=list)  # blocking: nothing was saved
    notices: list[framework.Problem] = field(
        default_factory=list
    )  # worth knowing, the import went on
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.created.values())
            or sum(self.updated.values())
            or self.links_added
            or self.links_removed
        )

    def summary(self) -> str:
        parts = []
        for kind in ("phases", "roles", "requirements", "measures"):
            parts.append(
                f"{kind}: {self.created.get(kind, 0)} created, {self.updated.get(kind, 0)} "
                f"updated, {self.unchanged.get(kind, 0)} unchanged"
            )
        parts.append(
            f"links measure→requirement: {self.links_total} "
            f"({self.links_added} added, {self.links_removed} removed)"
        )
        verb = "Would import" if self.dry_run else "Imported"
        return f"{verb} the Algoritmekader. " + "; ".join(parts) + "."


def _text(value: object) -> str:
    return (value or "").strip() if isinstance(value, str) else ""


M = TypeVar("M", bound=Model)


def _upsert(
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    report: FrameworkImportReport,
    kind: str,
) -> M:
    record = model.objects.filter(**lookup).first()
    if record is None:
        record = model(**lookup, **values)
        record.full_clean()
        record.save()
        report.created[kind] = report.created.get(kind, 0) + 1
        return record
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    if changed:
        for name in changed:
            setattr(record, name, values[name])
        record.full_clean()
        record.save()
        report.updated[kind] = report.updated.get(kind, 0) + 1
    else:
        report.unchanged[kind] = report.unchanged.get(kind, 0) + 1
    return record


class _DryRun(Exception):
    pass


def algoritmekader_import(*, directory: Path, dry_run: bool = False) -> FrameworkImportReport:
    """Import (or update) the Algoritmekader from its files; all or nothing. Idempotent:
    requirements are matched by URN, measures by file name, so a second run changes nothing."""
    found = framework.framework_read(Path(directory))
    report = FrameworkImportReport(dry_run=dry_run)
    report.problems = [p for p in found.problems if p.blocking]
    report.notices = [p for p in found.problems if not p.blocking]
    for requirement_urn, keys in framework.uncovered_requirement_links(found):
        report.notices.append(
            framework.Problem(
                requirement_urn,
                "links",
                f"named by the requirement only; linked to {', '.join(keys)}",
                blocking=False,
            )
        )
    if report.problems:
        return report
    try:
        with transaction.atomic():
            _save_framework(found, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _save_framework(found: framework.FrameworkFiles, report: FrameworkImportReport) -> None:
    for position, (slug, name) in enumerate(found.phases):
        _upsert(Phase, {"slug": slug}, {"name": name, "position": position}, report, "phases")
    for slug, name in found.roles:
        _upsert(FrameworkRole, {"slug": slug}, {"name": name}, report, "roles")
    requirements: dict[str, Requirement] = {}
    for data in found.requirements:
        requirements[data["urn"]] = _upsert(
            Requirement,
            {"urn": data["urn"]},
            {
                "name": _text(data.get("name")),
                "description": _text(data.get("description")),
                "explanation": _text(data.get("explanation")),
                "url": _text(data.get("url")),
                "language": _text(data.get("language")),
                "schema_version": _text(data.get("schema_version")),
                "subjects": list(data.get("subject") or []),
                "phases": list(data.get("lifecycle") or []),
                "roles": list(data.get("suggested_roles") or []),
                "ai_act_profiles": list(data.get("ai_act_profile") or []),
                "always_applicable": data.get("always_applicable") == 1,
                "measure_urns": list(dict.fromkeys(data.get("links") or [])),
                "source_file": data["_file"],
            },
            report,
            "requirements",
        )
    measures: dict[str, Measure] = {}
    for data in found.measures:
        measures[data["_key"]] = _upsert(
            Measure,
            {"key": data["_key"]},
            {
                "urn": data["urn"],
                "name": _text(data.get("name")),
                "description": _text(data.get("description")),
                "explanation": _text(data.get("explanation")),
                "url": _text(data.get("url")),
                "language": _text(data.get("language")),
                "schema_version": _text(data.get("schema_version")),
                "subjects": list(data.get("subject") or []),
                "phases": list(data.get("lifecycle") or []),
                "roles": list(data.get("suggested_roles") or []),
                "source_file": data["_file"],
            },
            report,
            "measures",
        )
    wanted = {
        (measures[key].pk, requirements[urn].pk) for key, urn in framework.framework_links(found)
    }
    Link = Measure.requirements.through
    existing = set(
        Link.objects.filter(measure__in=measures.values()).values_list(
            "measure_id", "requirement_id"
        )
    )
    to_remove = existing - wanted
    for measure_id, requirement_id in to_remove:
        Link.objects.filter(measure_id=measure_id, requirement_id=requirement_id).delete()
    Link.objects.bulk_create(
        [Link(measure_id=m, requirement_id=r) for m, r in sorted(wanted - existing)]
    )
    report.links_added = len(wanted - existing)
    report.links_removed = len(to_remove)
    report.links_total = len(wanted)
