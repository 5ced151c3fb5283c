"""Reads of the maturity scan: rounds, a person's own answers, results of closed rounds, the
peer comparison and the summary the board dashboard shows."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from omslag.organisations.models import Organisation

from . import results
from .models import Answer, ImprovementAction, Participant, ScanRound
from .scan import current_scan


@dataclass(frozen=True)
class DimensionResult:
    code: str
    label: str
    # None when no answer of the round falls in the dimension (answers to an older version
    # of the scan, whose statements the current one no longer has).
    median: float | None
    minimum: Decimal | None  # the lowest respondent's own score on the dimension
    maximum: Decimal | None
    disagreement: bool
    previous_median: float | None


@dataclass(frozen=True)
class MaturityBoardSummary:
    round_id: int
    title: str
    closed_on: date
    respondents: int
    dimensions: list[DimensionResult]


@dataclass(frozen=True)
class TrendPoint:
    round_id: int
    title: str
    closed_on: date
    median: float


@dataclass
class RoundResults:
    round: ScanRound
    respondents: int
    spread_shown: bool
    dimensions: list[DimensionResult]
    trends: dict[str, list[TrendPoint]] = field(default_factory=dict)
    actions: dict[str, list[ImprovementAction]] = field(default_factory=dict)


@dataclass(frozen=True)
class PeerDimension:
    code: str
    label: str
    own_median: float | None
    peer_median: float | None


@dataclass(frozen=True)
class PeerComparison:
    kind: str
    contributors: int
    shown: bool
    own_round: ScanRound | None
    dimensions: list[PeerDimension]


def rounds_of(organisation: Organisation) -> list[ScanRound]:
    return list(
        ScanRound.objects.filter(organisation=organisation).annotate(
            participant_count=Count("participants", distinct=True),
            respondent_count=Count("answers__person", distinct=True),
        )
    )


def round_participants(scan_round: ScanRound) -> list[Any]:
    return [
        p.person
        for p in Participant.objects.filter(round=scan_round)
        .select_related("person")
        .order_by("person__full_name")
    ]


def round_respondent_count(scan_round: ScanRound) -> int:
    return Answer.objects.filter(round=scan_round).values("person").distinct().count()


def answers_of(scan_round: ScanRound, person: Any) -> dict[str, Answer]:
    """The person's own answers by statement code."""
    return {a.statement: a for a in Answer.objects.filter(round=scan_round, person=person)}


def _triples(round_ids: Iterable[int]) -> dict[int, list[tuple[int, str, int]]]:
    by_round: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for round_id, person_id, statement, score in Answer.objects.filter(
        round_id__in=list(round_ids)
    ).values_list("round_id", "person_id", "statement", "score"):
        by_round[round_id].append((person_id, statement, score))
    return by_round


def _closed_on(scan_round: ScanRound, today: date) -> date:
    """The date a closed round closed: its closing date when nobody closed it earlier."""
    return scan_round.closed_date(today) or scan_round.closes_on


def _closed_rounds(organisation_ids: Iterable[int], *, today: date) -> list[ScanRound]:
    """Closed rounds of the organisations, oldest first by the date they closed."""
    rounds = ScanRound.objects.filter(organisation_id__in=list(organisation_ids)).filter(
        Q(status=ScanRound.Status.CLOSED) | Q(closes_on__lt=today)
    )
    return sorted(rounds, key=lambda r: (_closed_on(r, today), r.pk))


def _dimension_results(
    triples: list[tuple[int, str, int]], previous_triples: list[tuple[int, str, int]] | None
) -> tuple[int, list[DimensionResult]]:
    scan = current_scan()
    count = results.respondents(triples)
    previous: dict[str, float | None] = {}
    if previous_triples:
        previous = {d.code: d.median for d in results.dimension_scores(scan, previous_triples)}
    labels = {d.code: d.label for d in scan.dimensions}
    out = []
    for scores in results.dimension_scores(scan, triples):
        low, high, disagreement = results.spread(scores, count)
        out.append(
            DimensionResult(
                code=scores.code,
                label=labels[scores.code],
                median=scores.median,
                minimum=low,
                maximum=high,
                disagreement=disagreement,
                previous_median=previous.get(scores.code),
            )
        )
    return count, out


def round_results(scan_round: ScanRound, *, today: date | None = None) -> RoundResults:
    """Per dimension of a closed round: median, spread and the trend over the organisation's
    earlier closed rounds with answers. The caller checks that the round is closed."""
    today = today or timezone.localdate()
    rounds = [
        r
        for r in _closed_rounds([scan_round.organisation_id], today=today)
        if (_closed_on(r, today), r.pk) <= (_closed_on(scan_round, today), scan_round.pk)
    ]
    triples = _triples(r.pk for r in rounds)
    answered = [r for r in rounds if triples.get(r.pk) and r.pk != scan_round.pk]
    previous = triples[answered[-1].pk] if answered else None
    count, dimensions = _dimension_results(triples.get(scan_round.pk, []), previous)
    scan = current_scan()
    trends: dict[str, list[TrendPoint]] = {d.code: [] for d in scan.dimensions}
    for r in [*answered, scan_round] if count else answered:
        for scores in results.dimension_scores(scan, triples[r.pk]):
            # A round without answers in the dimension is no point of its trend.
            if scores.median is not None:
                trends[scores.code].append(
                    TrendPoint(r.pk, r.title, _closed_on(r, today), scores.median)
                )
    actions: dict[str, list[ImprovementAction]] = defaultdict(list)
    for action in ImprovementAction.objects.filter(round=scan_round).select_related("challenge"):
        actions[action.dimension].append(action)
    return RoundResults(
        round=scan_round,
        respondents=count,
        spread_shown=count >= results.MIN_RESPONDENTS_FOR_SPREAD,
        dimensions=dimensions if count else [],
        trends=trends,
        actions=dict(actions),
    )


def peer_comparison(organisation: Organisation, *, today: date | None = None) -> PeerComparison:
    """The median over other organisations of the same kind of their latest closed round's
    dimension medians, shown only when at least five contributed (k-anonymity)."""
    today = today or timezone.localdate()
    scan = current_scan()
    peer_ids = Organisation.objects.filter(kind=organisation.kind).exclude(pk=organisation.pk)
    rounds = _closed_rounds([*peer_ids.values_list("pk", flat=True), organisation.pk], today=today)
    answered = set(
        Answer.objects.filter(round_id__in=[r.pk for r in rounds])
        .values_list("round_id", flat=True)
        .distinct()
    )
    latest: dict[int, ScanRound] = {}
    for r in rounds:
        if r.pk in answered:
            latest[r.organisation_id] = r
    # Only the answers of each organisation's latest round are read.
    triples = _triples(r.pk for r in latest.values())
    own_round = latest.pop(organisation.pk, None)
    contributors = len(latest)
    shown = contributors >= results.MIN_PEERS
    own: dict[str, float | None] = {}
    if own_round is not None:
        own = {d.code: d.median for d in results.dimension_scores(scan, triples[own_round.pk])}
    peer_medians: dict[str, list[float]] = defaultdict(list)
    if shown:
        for r in latest.values():
            for scores in results.dimension_scores(scan, triples[r.pk]):
                if scores.median is not None:
                    peer_medians[scores.code].append(scores.median)
    dimensions = [
        PeerDimension(
            code=d.code,
            label=d.label,
            own_median=own.get(d.code),
            peer_median=results.median_of(peer_medians[d.code]) if shown else None,
        )
        for d in scan.dimensions
    ]
    return PeerComparison(
        kind=organisation.kind,
        contributors=contributors,
        shown=shown,
        own_round=own_round,
        dimensions=dimensions,
    )


def maturity_board_summary(
    *, organisation_ids: list[int], as_of: date | None
) -> MaturityBoardSummary | None:
    """The latest closed round (closed on or before ``as_of``) with answers, of the first
    organisation in the list that has one; None when none has."""
    today = timezone.localdate()
    as_of = as_of or today
    rounds = _closed_rounds(organisation_ids, today=today)
    rounds = [r for r in rounds if _closed_on(r, today) <= as_of]
    triples = _triples(r.pk for r in rounds)
    for organisation_id in organisation_ids:
        own = [r for r in rounds if r.organisation_id == organisation_id and triples.get(r.pk)]
        if not own:
            continue
        latest = own[-1]
        previous = triples[own[-2].pk] if len(own) > 1 else None
        count, dimensions = _dimension_results(triples[latest.pk], previous)
        return MaturityBoardSummary(
            round_id=latest.pk,
            title=latest.title,
            closed_on=_closed_on(latest, today),
            respondents=count,
            dimensions=dimensions,
        )
    return None


def board_members(organisation: Organisation) -> list[Any]:
    """People with the board role on the organisation or an organisation above it."""
    from django.contrib.auth import get_user_model

    from omslag.organisations.models import Membership, Role

    ids = [*organisation.ancestor_ids, organisation.pk]
    person_ids = Membership.objects.filter(organisation_id__in=ids, role=Role.BOARD).values(
        "person_id"
    )
    return list(
        get_user_model()
        .objects.filter(pk__in=person_ids, is_active=True)
        .order_by("full_name", "email")
    )


def candidate_participants(organisation: Organisation) -> list[Any]:
    """Everyone with a role on the organisation or above it: whom an administrator may add."""
    from django.contrib.auth import get_user_model

    from omslag.organisations.models import Membership

    ids = [*organisation.ancestor_ids, organisation.pk]
    person_ids = Membership.objects.filter(organisation_id__in=ids).values("person_id")
    return list(
        get_user_model()
        .objects.filter(pk__in=person_ids, is_active=True)
        .order_by("full_name", "email")
    )
