"""One function per kind that picks exactly the public fields of a register record.

This is the one place that decides what becomes public. It names every field it copies (an
allow-list), so a field added to a register later stays private until it is named here. Never
copied: drafts (concept and checked reports), personal data (owners, reviewers, deciders,
authors, contacts of people), internal notes, budgets and partners of experiments, assessment
answers and ideas.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation

from .models import Kind


def _plain(value):
    """A JSON value: dates as ISO text, amounts as numbers, lists and dicts recursively."""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _pick(record, names) -> dict:
    return {name: _plain(getattr(record, name)) for name in names}


PROJECT_FIELDS = ("number", "name", "goal", "kind", "status", "approach", "start_date", "currency")
PROJECT_FIGURES = (
    "latest_peildatum",
    "original_estimate",
    "current_estimate",
    "cost_change_pct",
    "cost_bucket",
    "original_end_date",
    "current_end_date",
    "end_date_shift_months",
    "colour",
)
REPORT_FIELDS = (
    "peildatum",
    "total_cost_estimate",
    "internal_staff",
    "external_staff",
    "outsourced",
    "hardware",
    "software",
    "other_costs",
    "ict_component_cost",
    "cumulative_actual_cost",
    "estimated_end_date",
    "is_rebaseline",
    "rebaseline_reason",
)


def labelled_choices(kind) -> dict:
    """The choices of the codes a kind's snapshot stores, by field (the source record's own
    choices, read here beside the rest of what a snapshot takes from its source)."""
    from omslag.innovation.models import Stage
    from omslag.projects.models import Project

    if kind == Kind.PROJECT:
        return {"status": Project.Status, "colour": Project.Colour, "approach": Project.Approach}
    if kind == Kind.EXPERIMENT:
        return {"stage": Stage}
    return {}


def project_snapshot(project) -> dict:
    """A project as the Rijks ICT-dashboard shows it: its description, the figures (cost,
    schedule, colour) and its published reports only; no concept or checked report, no notes,
    no reviewers."""
    from omslag.projects.models import ProjectReport

    snapshot = _pick(project, PROJECT_FIELDS) | _pick(project, PROJECT_FIGURES)
    published = project.reports.filter(status=ProjectReport.Status.PUBLISHED).order_by(
        "peildatum", "id"
    )
    corrected = {r.corrects_id for r in published if r.corrects_id}
    snapshot["reports"] = [
        _pick(r, REPORT_FIELDS) | {"corrected": r.pk in corrected} for r in published
    ]
    snapshot["milestones"] = [
        _pick(m, ("name", "planned_date", "expected_date", "realised_date"))
        for m in project.milestones.all()
    ]
    snapshot["papers"] = [
        _pick(p, ("reference", "date", "title", "url")) for p in project.papers.all()
    ]
    return snapshot


EXPERIMENT_FIELDS = (
    "title",
    "stage",
    "hypothesis",
    "intervention",
    "primary_metric",
    "metric_unit",
    "direction",
    "design_type",
    "planned_start",
    "planned_end",
    "evidence_level_aimed",
)
RESULT_FIELDS = ("difference", "estimate", "low", "high", "p_value", "confidence", "relative")


def experiment_snapshot(experiment) -> dict:
    """The design summary, the results (effect, interval, p-value) and the decisions with
    their reasons; not the owner, team, partners, budget or measurements."""
    snapshot = _pick(experiment, EXPERIMENT_FIELDS)
    snapshot["results"] = [
        {"metric": e.metric, "method": e.method, "positive": e.positive}
        | {k: e.result[k] for k in RESULT_FIELDS if isinstance(e.result.get(k), int | float)}
        for e in experiment.evaluations.order_by("created_at", "id")
    ]
    snapshot["decisions"] = [
        _pick(d, ("stage", "outcome", "decided_on", "rationale", "evidence_level"))
        for d in experiment.decisions.order_by("decided_on", "id")
    ]
    return snapshot


def lesson_snapshot(lesson) -> dict:
    snapshot = _pick(lesson, ("tried", "happened", "differently", "reusable_assets"))
    snapshot["experiment"] = lesson.experiment.title
    snapshot["recorded_on"] = lesson.created_at.date().isoformat()
    return snapshot


def algorithm_snapshot(algorithm) -> dict:
    """The record in the national publication standard (every field of it is public)."""
    from omslag.algorithms.exports import algorithm_as_standard

    return _plain(algorithm_as_standard(algorithm))


def challenge_snapshot(challenge) -> dict:
    from omslag.innovation.models import Challenge

    if challenge.visibility != Challenge.Visibility.PUBLIC:
        raise RuleViolation(_("Only a public challenge can be published."))
    return _pick(challenge, ("title", "problem_statement", "offer", "opens_on", "closes_on"))


def balance_year_snapshot(organisation, year: int) -> dict:
    """Budget and actual spend of one year split into run, change and innovate."""
    from omslag.portfolio.selectors import balance_overview

    overview = balance_overview(organisation)
    found = next((b for b in overview.balances if b.year == year), None)
    if found is None:
        raise RuleViolation(_("There is no spend for %(year)s.") % {"year": year})
    snapshot = {"year": year}
    for kind in ("budget", "actual"):
        split = found.split(kind)
        snapshot[kind] = {
            "run": _plain(split.run),
            "change": _plain(split.change),
            "innovate": _plain(split.innovate),
            "total": _plain(split.total),
            "run_share": round(split.share("run"), 4),
            "change_share": round(split.share("change"), 4),
            "innovate_share": round(split.share("innovate"), 4),
        }
    return snapshot


def _source(kind: str, organisation, source_id: int):
    """The live register record; a record of another organisation is not found."""
    from omslag.algorithms.models import AlgorithmRecord
    from omslag.innovation.models import Challenge, Experiment, Lesson
    from omslag.projects.models import Project

    models = {
        Kind.PROJECT: (Project, "organisation"),
        Kind.EXPERIMENT: (Experiment, "organisation"),
        Kind.LESSON: (Lesson, "experiment__organisation"),
        Kind.ALGORITHM: (AlgorithmRecord, "organisation"),
        Kind.CHALLENGE: (Challenge, "organisation"),
    }
    model, path = models[kind]
    try:
        return model.objects.get(pk=source_id, **{path: organisation})
    except (ObjectDoesNotExist, ValueError):
        raise RuleViolation(_("There is no such record in this organisation.")) from None


BUILDERS = {
    Kind.PROJECT: project_snapshot,
    Kind.EXPERIMENT: experiment_snapshot,
    Kind.LESSON: lesson_snapshot,
    Kind.ALGORITHM: algorithm_snapshot,
    Kind.CHALLENGE: challenge_snapshot,
}


# kind: (the snapshot key of its title, of its filterable value)
LIST_KEYS = {
    Kind.PROJECT: ("name", "colour"),
    Kind.EXPERIMENT: ("title", "stage"),
    Kind.LESSON: ("tried", ""),
    Kind.ALGORITHM: ("name", "status"),
    Kind.CHALLENGE: ("title", ""),
}


def snapshot_build(kind: str, organisation, source_id: int) -> tuple[str, str, dict]:
    """(title, facet, snapshot) of a record: the title and one filterable value are kept in
    columns for the public lists."""
    if kind == Kind.BALANCE_YEAR:
        snapshot = balance_year_snapshot(organisation, int(source_id))
        return str(source_id), "", snapshot
    if kind not in BUILDERS:
        raise RuleViolation(_("Unknown kind %(kind)s.") % {"kind": kind})
    record = _source(kind, organisation, source_id)
    snapshot = BUILDERS[kind](record)
    title_key, facet_key = LIST_KEYS[kind]
    title = str(snapshot[title_key])
    facet = str(snapshot.get(facet_key) or "") if facet_key else ""
    return title[:300], facet, snapshot


def snapshot_diff(old: dict | None, new: dict) -> list[dict]:
    """What changed between two snapshots, top-level field by field."""
    if old is None:
        return []
    return [
        {"field": key, "old": old.get(key), "new": new.get(key)}
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]


_CAMEL: dict[str, str] = {}


def camel_keys(value: object) -> object:
    """The snapshot with camelCase keys, for the API (its values are left as they are)."""
    from omslag.common.api.serializers import camel

    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = _CAMEL.get(key)
            if name is None:
                name = _CAMEL[key] = camel(key)
            out[name] = camel_keys(item)
        return out
    if isinstance(value, list):
        return [camel_keys(item) for item in value]
    return value
