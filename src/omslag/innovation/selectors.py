"""Reads of the innovation pipeline: the board, the funnel, experiments stuck after a pilot,
similar experiments and lessons."""

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise

from omslag.organisations.models import Organisation
from omslag.organisations.selectors import organisations_readable

from . import stored
from .models import (
    STAGE_ORDER,
    Challenge,
    Decision,
    Evaluation,
    Experiment,
    FunnelFiguresStored,
    Idea,
    ImplementationTrack,
    Lesson,
    MeasurementSummary,
    MeasurementUpload,
    PipelineSettings,
    Stage,
    StageTransition,
)


class BoardColumn(TypedDict):
    """One stage on the board: its name, how many experiments it holds and the latest cards."""

    label: str | Promise  # a lazy translation
    count: int
    items: list[Experiment]


class FunnelStage(TypedDict):
    stage: str
    label: str | Promise  # a lazy translation
    now: int
    reached: int
    conversion_to_next: float | None
    median_days: float | None


class Funnel(TypedDict):
    stages: list[FunnelStage]
    stopped: int
    total: int
    share_in_operation: float | None
    budget_per_operation: Decimal | None
    total_budget: Decimal


class FunnelWindow(TypedDict):
    ideas: int
    experiments: int
    scaled: int
    in_operation: int
    days_to_operation: list[float]


def _scope(organisation: Organisation, prefix: str = "organisation") -> Q:
    return Q(**{f"{prefix}__path__startswith": organisation.path})


def experiments_of(organisation: Organisation) -> QuerySet[Experiment]:
    # Filter on the organisation ids of the subtree (one small query) rather than joining on
    # the path, so the (organisation, stage, stage_changed_at) index serves the board.
    subtree = list(
        Organisation.objects.filter(path__startswith=organisation.path).values_list("pk", flat=True)
    )
    return Experiment.objects.filter(organisation_id__in=subtree).select_related(
        "organisation", "owner"
    )


BOARD_CARD_FIELDS = ("title", "stage", "stage_changed_at", "owner_team", "organisation")


def board(
    organisation: Organisation, *, search: str = "", per_stage: int = 50
) -> dict[str, BoardColumn]:
    """Experiments per stage: the count and the most recently moved ``per_stage`` of each."""
    queryset = experiments_of(organisation)
    if search:
        queryset = queryset.filter(title__icontains=search)
    counts = {
        row["stage"]: row["n"]
        for row in queryset.order_by().values("stage").annotate(n=Count("pk"))
    }
    # A card shows only these: reading the whole experiment, its organisation and owner for
    # 400 cards cost more CPU than rendering them.
    cards = (
        queryset.select_related(None)
        .select_related("organisation")
        .only(*BOARD_CARD_FIELDS, "organisation__name")
    )
    columns: dict[str, BoardColumn] = {}
    for stage in [*STAGE_ORDER, Stage.STOPPED]:
        items = list(cards.filter(stage=stage).order_by("-stage_changed_at", "title")[:per_stage])
        columns[stage] = {
            "label": Stage(stage).label,
            "count": counts.get(stage, 0),
            "items": items,
        }
    return columns


def challenges_of(organisation: Organisation) -> QuerySet[Challenge]:
    return Challenge.objects.filter(_scope(organisation)).select_related("organisation")


def ideas_of(organisation: Organisation) -> QuerySet[Idea]:
    return Idea.objects.filter(_scope(organisation)).select_related(
        "challenge", "author", "merged_into"
    )


def experiment_cells(experiment: Experiment) -> list[MeasurementSummary]:
    return list(experiment.summaries.all())


def experiment_evaluations(experiment: Experiment) -> list[Evaluation]:
    return list(experiment.evaluations.order_by("-created_at", "metric", "method"))


def latest_evaluations(experiment: Experiment) -> list[Evaluation]:
    """The newest evaluation of each (metric, method)."""
    seen: set[tuple[str, str]] = set()
    latest: list[Evaluation] = []
    for evaluation in experiment.evaluations.order_by("-created_at", "-id"):
        key = (evaluation.metric, evaluation.method)
        if key not in seen:
            seen.add(key)
            latest.append(evaluation)
    return sorted(latest, key=lambda e: (e.metric, e.method))


def stuck_after_months(organisation: Organisation) -> int:
    settings = (
        PipelineSettings.objects.filter(
            organisation_id__in=[*organisation.ancestor_ids, organisation.pk]
        )
        .order_by("-organisation__path")
        .first()
    )
    return settings.stuck_after_months if settings else 6


def stuck_after_months_per_organisation(organisation: Organisation) -> dict[int, int]:
    """The stuck-after-pilot limit in months of every organisation in the subtree of
    ``organisation``: its own setting, else the nearest setting above it, else 6. Two
    queries, whatever the number of organisations."""
    subtree = list(
        Organisation.objects.filter(path__startswith=organisation.path).values_list("pk", "path")
    )
    chains = {
        pk: [int(part) for part in path.strip("/").split("/") if part] for pk, path in subtree
    }
    settings = dict(
        PipelineSettings.objects.filter(
            organisation_id__in={pk for chain in chains.values() for pk in chain}
        ).values_list("organisation_id", "stuck_after_months")
    )
    return {
        pk: next((settings[i] for i in reversed(chain) if i in settings), 6)
        for pk, chain in chains.items()
    }


def experiments_stuck_after_pilot(
    organisation: Organisation, today: dt.date | None = None
) -> QuerySet[Experiment]:
    """Experiments with a positive evaluation older than their own organisation's limit and no
    implementation track, that are neither stopped nor in operation. Over a subtree (a
    ministry with its agencies) each experiment is measured against the limit of the
    organisation it belongs to, not the top's."""
    today = today or timezone.localdate()
    by_months: dict[int, list[int]] = defaultdict(list)
    for pk, months in stuck_after_months_per_organisation(organisation).items():
        by_months[months].append(pk)
    stuck_since = Q(pk__in=[])
    for months, organisation_ids in sorted(by_months.items()):
        limit = today - dt.timedelta(days=round(months * 30.44))
        positive_old = Evaluation.objects.filter(
            experiment=OuterRef("pk"), positive=True, created_at__date__lte=limit
        )
        stuck_since |= Q(Exists(positive_old), organisation_id__in=sorted(organisation_ids))
    has_track = ImplementationTrack.objects.filter(experiment=OuterRef("pk"))
    return (
        Experiment.objects.filter(stuck_since)
        .select_related("organisation", "owner")
        .exclude(stage__in=[Stage.STOPPED, Stage.IN_OPERATION])
        .exclude(Exists(has_track))
        .order_by("title", "pk")
    )


def funnel(organisation: Organisation) -> Funnel:
    """Counts per stage, conversion between stages, median days in stage, the share that
    reached operation and the budget per experiment that reached operation.

    An experiment counts as having reached a stage when it ever entered it (or a later one),
    so iterations back to design do not count twice.
    """
    experiments = list(experiments_of(organisation).values("id", "stage", "budget"))
    ids = [e["id"] for e in experiments]
    reached: dict[int, set[str]] = defaultdict(set)
    durations: dict[str, list[float]] = defaultdict(list)
    transitions = StageTransition.objects.filter(experiment_id__in=ids).order_by(
        "experiment_id", "at", "id"
    )
    previous: dict[int, tuple[str, dt.datetime]] = {}
    for transition in transitions.values("experiment_id", "to_stage", "at"):
        experiment_id = transition["experiment_id"]
        reached[experiment_id].add(transition["to_stage"])
        if experiment_id in previous:
            stage, since = previous[experiment_id]
            durations[stage].append((transition["at"] - since).total_seconds() / 86400)
        previous[experiment_id] = (transition["to_stage"], transition["at"])
    now = timezone.now()
    for stage, since in previous.values():
        if stage not in (Stage.STOPPED, Stage.IN_OPERATION):
            durations[stage].append((now - since).total_seconds() / 86400)
    order = [str(s) for s in STAGE_ORDER]
    ever: Counter[str] = Counter()
    for experiment_id in ids:
        stages = reached.get(experiment_id, {Stage.IDEA})
        furthest = max((order.index(s) for s in stages if s in order), default=0)
        for index in range(furthest + 1):
            ever[order[index]] += 1
    current = Counter(e["stage"] for e in experiments)
    rows: list[FunnelStage] = []
    for index, stage in enumerate(order):
        following = order[index + 1] if index + 1 < len(order) else None
        conversion = (ever[following] / ever[stage]) if following and ever[stage] else None
        rows.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "now": current.get(stage, 0),
                "reached": ever[stage],
                "conversion_to_next": conversion,
                "median_days": statistics.median(durations[stage])
                if durations.get(stage)
                else None,
            }
        )
    in_operation = ever[Stage.IN_OPERATION]
    total_budget = sum((e["budget"] or Decimal(0) for e in experiments), Decimal(0))
    return {
        "stages": rows,
        "stopped": current.get(Stage.STOPPED, 0),
        "total": len(experiments),
        "share_in_operation": in_operation / len(experiments) if experiments else None,
        "budget_per_operation": (total_budget / in_operation) if in_operation else None,
        "total_budget": total_budget,
    }


_WORD = re.compile(r"[\wÀ-ÿ]{4,}")

# Words of four letters or more that titles share without being about the same thing: Dutch and
# English function words, and the words every title of this domain may carry.
STOP_WORDS = frozenset(
    """
    aan aanpak about after als ander andere approach beter better binnen deze digitaal digital
    digitale dit door een elke experiment experimenten extra from geen gemeente hun idee ideeën
    into inwoner inwoners jaar less meer minder more municipality naar niet nieuw nieuwe omdat
    onder onze over pilot proef project residents slim slimme smart sneller tegen than that
    their them then these this those trial tussen under vanuit veel voor what when where which
    while with without worden wordt your zijn zoals zonder
    """.split()  # noqa: SIM905 (a word list reads best as words)
)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text or "")} - STOP_WORDS


def _similar(words: set[str], title: str) -> int:
    """How many meaningful words (not stop words) ``title`` shares with ``words``, or 0 when
    they are less than a third of the shorter title's: one shared word makes two short titles
    alike, not two long ones."""
    other = _words(title)
    shared = len(words & other)
    if not shared or 3 * shared < min(len(words), len(other)):
        return 0
    return shared


def similar_experiments(
    person: Any, title: str, *, exclude: Experiment | None = None, limit: int = 5
) -> list[tuple[Experiment, int]]:
    """Experiments and ideas in any organisation the person may read whose titles share words
    with ``title``, most shared words first (no search engine needed at this size)."""
    words = _words(title)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    candidates = Experiment.objects.filter(organisation__in=organisations_readable(person)).filter(
        condition
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    scored = [
        (e, _similar(words, e.title)) for e in candidates.select_related("organisation")[:200]
    ]
    return sorted((s for s in scored if s[1]), key=lambda s: (-s[1], s[0].title))[:limit]


def similar_ideas(
    person: Any, title: str, *, exclude: Idea | None = None, limit: int = 5
) -> list[tuple[Idea, int]]:
    words = _words(title)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    candidates = Idea.objects.filter(organisation__in=organisations_readable(person)).filter(
        condition
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    scored = [(i, _similar(words, i.title)) for i in candidates[:200]]
    return sorted((s for s in scored if s[1]), key=lambda s: (-s[1], s[0].title))[:limit]


def lessons_search(person: Any, query: str) -> QuerySet[Lesson]:
    """Lessons of every organisation the person may read, matching all words of ``query``."""
    lessons = Lesson.objects.filter(experiment__organisation__in=organisations_readable(person))
    for word in (query or "").split():
        lessons = lessons.filter(
            Q(tried__icontains=word)
            | Q(happened__icontains=word)
            | Q(differently__icontains=word)
            | Q(reusable_assets__icontains=word)
            | Q(experiment__title__icontains=word)
        )
    return lessons.select_related("experiment__organisation").order_by("-created_at", "-pk")


def innovate_spend_total(organisation: Organisation) -> Decimal:
    from omslag.portfolio.models import SpendLine

    total = SpendLine.objects.filter(
        _scope(organisation), category="innovate", kind="actual"
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


# --- lists and choices for pages and the API ------------------------------------------


def experiments_recently_moved(
    organisation: Organisation, *, search: str = "", stage: str = ""
) -> QuerySet[Experiment]:
    """The organisation's experiments (and those of the organisations below), most recently
    moved first, optionally of one stage and with ``search`` in the title."""
    experiments = experiments_of(organisation)
    if search:
        experiments = experiments.filter(title__icontains=search)
    if stage:
        experiments = experiments.filter(stage=stage)
    return experiments.order_by("-stage_changed_at", "title", "id")


def challenges_with_idea_counts(organisation: Organisation) -> QuerySet[Challenge]:
    """Challenges with the number of live ideas each, the newest first."""
    return (
        challenges_of(organisation)
        .annotate(idea_count=Count("ideas", filter=Q(ideas__deleted_at__isnull=True)))
        .order_by("-opens_on", "title", "id")
    )


def idea_experiments(idea: Idea) -> list[Experiment]:
    return list(idea.experiments.order_by("title"))


def idea_of_experiment(experiment: Experiment) -> Idea | None:
    if experiment.idea_id is None:
        return None
    return Idea.objects.filter(pk=experiment.idea_id).first()


def experiment_transitions(experiment: Experiment) -> list[StageTransition]:
    return list(experiment.transitions.select_related("actor").order_by("at", "id"))


def experiment_uploads(experiment: Experiment) -> list[MeasurementUpload]:
    return list(experiment.uploads.select_related("created_by").order_by("-created_at", "-id"))


def experiments_filtered(
    organisation: Organisation, *, stages: Sequence[str] = (), search: str = ""
) -> QuerySet[Experiment]:
    """The experiments of the organisation and those below it, in the given stages, whose
    title contains ``search``; by title."""
    queryset = experiments_of(organisation)
    if stages:
        queryset = queryset.filter(stage__in=stages)
    if search:
        queryset = queryset.filter(title__icontains=search)
    return queryset.order_by("title", "pk")


def challenges_filtered(
    organisation: Organisation, *, visibility: str = "", search: str = ""
) -> QuerySet[Challenge]:
    queryset = challenges_of(organisation).select_related("owner")
    if visibility:
        queryset = queryset.filter(visibility=visibility)
    if search:
        queryset = queryset.filter(title__icontains=search)
    return queryset.order_by("-opens_on", "title", "pk")


def ideas_filtered(
    organisation: Organisation,
    *,
    statuses: Sequence[str] = (),
    challenge: int | None = None,
    search: str = "",
) -> QuerySet[Idea]:
    queryset = ideas_of(organisation).select_related("organisation")
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if challenge is not None:
        queryset = queryset.filter(challenge_id=challenge)
    if search:
        queryset = queryset.filter(title__icontains=search)
    return queryset.order_by("-created_at", "-pk")


def challenges_choosable(organisation: Organisation) -> QuerySet[Challenge]:
    """The challenges an idea of ``organisation`` may answer: its own only."""
    return Challenge.objects.filter(organisation=organisation)


def experiments_choosable(organisation: Organisation) -> QuerySet[Experiment]:
    """The experiments a record of ``organisation`` (an algorithm) may point to: its own only."""
    return Experiment.objects.filter(organisation=organisation)


def ideas_choosable(organisation: Organisation) -> QuerySet[Idea]:
    """The ideas an experiment (or a merge) of ``organisation`` may point to: its own only."""
    return Idea.objects.filter(organisation=organisation)


def measurement_summaries(experiment: Experiment) -> QuerySet[MeasurementSummary]:
    return MeasurementSummary.objects.filter(experiment=experiment).order_by(
        "metric", "period", "group", "pk"
    )


def measurement_uploads_choosable(experiment: Experiment) -> QuerySet[MeasurementUpload]:
    return MeasurementUpload.objects.filter(experiment=experiment)


def evaluations_choosable(experiment: Experiment) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(experiment=experiment)


def evaluations_of(experiment: Experiment, *, latest: bool = False) -> list[Evaluation]:
    """Every evaluation, newest first; with ``latest`` the newest of each metric and method."""
    if latest:
        return latest_evaluations(experiment)
    return experiment_evaluations(experiment)


def decisions_of(experiment: Experiment) -> QuerySet[Decision]:
    return Decision.objects.filter(experiment=experiment).select_related("decided_by", "evaluation")


def lessons_of(experiment: Experiment) -> QuerySet[Lesson]:
    return experiment.lessons.select_related("experiment__organisation").order_by(
        "-created_at", "-pk"
    )


def implementation_of(experiment: Experiment) -> ImplementationTrack | None:
    """The implementation track (with the application it replaces), or None."""
    return (
        ImplementationTrack.objects.select_related("replaces_application")
        .filter(experiment=experiment)
        .first()
    )


# --- the board dashboard's figures (over a set of organisation ids) ---------------------------


def funnel_window(organisation_ids: Sequence[int], *, start: dt.date, end: dt.date) -> FunnelWindow:
    """The funnel of the days after ``start`` up to and including ``end``, from the stage
    history: ideas submitted, experiments that started running, scale decisions, experiments
    that went into operation, and per experiment in operation the days from its first
    transition (its creation as an idea) to operation."""
    ideas = Idea.objects.filter(
        organisation_id__in=organisation_ids,
        created_at__date__gt=start,
        created_at__date__lte=end,
    ).count()
    moves = StageTransition.objects.filter(
        experiment__organisation_id__in=organisation_ids,
        experiment__deleted_at__isnull=True,
        to_stage__in=[Stage.RUNNING, Stage.IN_OPERATION],
        at__date__gt=start,
        at__date__lte=end,
    )
    started: set[int] = set()
    into_operation: dict[int, dt.datetime] = {}
    for experiment_id, to_stage, at in moves.values_list("experiment_id", "to_stage", "at"):
        if to_stage == Stage.RUNNING:
            started.add(experiment_id)
        else:
            into_operation.setdefault(experiment_id, at)
    firsts = dict(
        StageTransition.objects.filter(experiment_id__in=list(into_operation))
        .values("experiment_id")
        .annotate(first=Min("at"))
        .values_list("experiment_id", "first")
        .order_by()
    )
    scaled = (
        Decision.objects.filter(
            experiment__organisation_id__in=organisation_ids,
            experiment__deleted_at__isnull=True,
            outcome=Decision.Outcome.SCALE,
            decided_on__gt=start,
            decided_on__lte=end,
        )
        .values("experiment_id")
        .distinct()
        .count()
    )
    return {
        "ideas": ideas,
        "experiments": len(started),
        "scaled": scaled,
        "in_operation": len(into_operation),
        "days_to_operation": [
            (at - firsts[pk]).total_seconds() / 86400 for pk, at in into_operation.items()
        ],
    }


@dataclass(frozen=True)
class StoredFunnel:
    """Funnel figures as stored, when they were computed, and whether a refresh is queued."""

    figures: dict[str, Any]  # a Funnel or a FunnelWindow, as read back from its JSON
    computed_at: dt.datetime | None
    pending: bool


def funnel_stored(organisation: Organisation) -> StoredFunnel:
    """``funnel(organisation)`` as computed once today and stored (computed now when nothing
    is stored yet); refreshed by a task when an idea, experiment or decision changes."""
    return _stored(stored.funnel_key(organisation, kind=FunnelFiguresStored.Kind.FUNNEL))


def funnel_window_stored(
    organisation: Organisation, *, with_children: bool, day: dt.date
) -> StoredFunnel:
    """``funnel_window`` of the 12 months up to ``day`` over the organisation (and those
    below it), stored as ``funnel_stored`` is."""
    return _stored(
        stored.funnel_key(
            organisation,
            kind=FunnelFiguresStored.Kind.WINDOW,
            with_children=with_children,
            day=day,
        )
    )


WINDOW_DAYS = 365


def funnel_figures_compute(key: dict[str, Any]) -> Funnel | FunnelWindow:
    """The figures a stored funnel row holds, computed now (``innovation.stored.funnel_key``)."""
    organisation = Organisation.all_objects.get(pk=key["organisation_id"])
    if key["kind"] == FunnelFiguresStored.Kind.FUNNEL:
        return funnel(organisation)
    ids = stored.window_scope_ids(organisation, key["with_children"])
    day = key["day"]
    return funnel_window(ids, start=day - dt.timedelta(days=WINDOW_DAYS), end=day)


def _stored(key: dict[str, Any]) -> StoredFunnel:
    row = stored.funnel_stored(key, funnel_figures_compute)
    return StoredFunnel(stored.funnel_figures(row), row.computed_at, row.pending)


def gate_decisions_pending(organisation_ids: Sequence[int]) -> QuerySet[Experiment]:
    """Experiments waiting in the decision stage, longest waiting first."""
    return (
        Experiment.objects.filter(organisation_id__in=organisation_ids, stage=Stage.DECISION)
        .select_related("organisation")
        .order_by("stage_changed_at", "pk")
    )


def scaled_without_owner_queryset(organisation_ids: Sequence[int]) -> QuerySet[Experiment]:
    """Experiments the board decided to scale that have no implementation track (so no owner
    in the line organisation), annotated ``scaled_on`` (the latest scale decision)."""
    return (
        Experiment.objects.filter(organisation_id__in=organisation_ids)
        .exclude(stage__in=[Stage.STOPPED, Stage.IN_OPERATION])
        .annotate(
            scaled_on=Max(
                "decisions__decided_on",
                filter=Q(
                    decisions__outcome=Decision.Outcome.SCALE,
                    decisions__deleted_at__isnull=True,
                ),
            )
        )
        .filter(scaled_on__isnull=False)
        .exclude(Exists(ImplementationTrack.objects.filter(experiment=OuterRef("pk"))))
        .select_related("organisation")
        .order_by("scaled_on", "pk")
    )


def scaled_without_owner(organisation_ids: Sequence[int]) -> list[tuple[Experiment, dt.date]]:
    """The experiments of scaled_without_owner_queryset with the date of their latest scale
    decision."""
    return [(e, e.scaled_on) for e in scaled_without_owner_queryset(organisation_ids)]
