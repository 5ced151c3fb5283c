"""The board dashboard's legacy figures: applications past or within 12 months of the end of
support, their run cost (the actual run spend booked on them in the year before the as-of
date) and the five highest legacy risks (past support first, then the highest run cost).

Stored per organisation and day (``LegacyTileFigures``, a ``common.stored_figures`` row): a
write of an application or a spend line marks the row of its organisation behind, and the
portfolio's refresh task (queued on commit by ``figures.figures_inputs_changed``) recomputes
it. A roll-up reads one row per organisation in one query and adds them up: the counts and
run costs are sums, the five highest risks of the scope are among the five highest of each
organisation. Organisations without a row of today are computed together, in a fixed number of
grouped queries, and stored. An earlier as-of date is computed fresh from the register (the
rows are of today), with the same queries."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, FilteredRelation, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from omslag.analysis.projects.figures import add_months
from omslag.common.stored_day_rows import day_row_refresh, day_rows_mark_changed, day_rows_read

from .models import Application, LegacyTileFigures, SpendLine

WINDOW_MONTHS = 12
TOP = 5
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LegacyRiskRow:
    name: str
    organisation_id: int
    end_of_support: dt.date
    run_cost: Decimal
    past: bool  # support ended before the as-of date


@dataclass
class LegacyTile:
    """The figures over the organisations in scope; ``computed_at`` the oldest stored row's
    time (None when computed now for an earlier date), ``pending`` when a refresh is queued."""

    applications: int
    past: int
    run_cost: Decimal
    run_cost_year: int
    highest: list[LegacyRiskRow] = field(default_factory=list)
    computed_at: dt.datetime | None = None
    pending: bool = False


def _order_key(row: LegacyRiskRow):
    return (not row.past, -row.run_cost, row.end_of_support, row.name)


def _compute_many(organisation_ids, as_of: dt.date) -> dict[int, dict]:
    """Each organisation's own figures as stored (JSON), in three queries whatever their
    number: the counts, the run cost, and the five highest risks per organisation (a window
    over the organisation)."""
    ids = list(organisation_ids)
    window_end = add_months(as_of, WINDOW_MONTHS)
    year = as_of.year - 1
    near_end = Application.objects.filter(
        organisation_id__in=ids, end_of_support__isnull=False, end_of_support__lte=window_end
    )
    past_end = Q(end_of_support__lt=as_of)
    result = {
        pk: {"applications": 0, "past": 0, "runCost": "0.00", "top": [], "year": year} for pk in ids
    }
    for row in (
        near_end.order_by()
        .values("organisation_id")
        .annotate(applications=Count("pk"), past=Count("pk", filter=past_end))
    ):
        result[row["organisation_id"]]["applications"] = row["applications"]
        result[row["organisation_id"]]["past"] = row["past"]
    for row in (
        SpendLine.objects.filter(
            application__in=near_end.values("pk"), year=year, kind="actual", category="run"
        )
        .order_by()
        .values("application__organisation_id")
        .annotate(total=Sum("amount"))
    ):
        result[row["application__organisation_id"]]["runCost"] = str(row["total"] or ZERO)
    ranked = (
        near_end.alias(
            run_lines=FilteredRelation(
                "spend_lines",
                condition=Q(
                    spend_lines__year=year, spend_lines__kind="actual", spend_lines__category="run"
                ),
            )
        )
        .annotate(
            run_cost=Coalesce(Sum("run_lines__amount"), Value(ZERO)),
            supported=Case(When(past_end, then=Value(1)), default=Value(2)),
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("organisation_id")],
                order_by=[
                    F("supported").asc(),
                    F("run_cost").desc(),
                    F("end_of_support").asc(),
                    F("name").asc(),
                ],
            )
        )
        .filter(rank__lte=TOP)
        .values_list("organisation_id", "name", "end_of_support", "run_cost")
    )
    for organisation_id, name, end_of_support, run_cost in ranked:
        result[organisation_id]["top"].append([name, end_of_support.isoformat(), str(run_cost)])
    return result


def _tile_from(rows: dict[int, dict], as_of: dt.date) -> LegacyTile:
    tile = LegacyTile(0, 0, ZERO, as_of.year - 1)
    candidates = []
    for organisation_id, figures in rows.items():
        tile.applications += figures["applications"]
        tile.past += figures["past"]
        tile.run_cost += Decimal(figures["runCost"])
        for name, end_of_support, run_cost in figures["top"]:
            end = dt.date.fromisoformat(end_of_support)
            candidates.append(
                LegacyRiskRow(name, organisation_id, end, Decimal(run_cost), end < as_of)
            )
    tile.highest = sorted(candidates, key=_order_key)[:TOP]
    return tile


def legacy_tile(organisation_ids, as_of: dt.date) -> LegacyTile:
    """The legacy figures over ``organisation_ids`` as of ``as_of``: today's from the stored
    rows (a fixed number of queries, whatever the number of organisations), an earlier date's
    computed now from the register."""
    ids = sorted(set(organisation_ids))
    if as_of != timezone.localdate():
        return _tile_from(_compute_many(ids, as_of), as_of)
    rows = day_rows_read(LegacyTileFigures, ids, as_of, _compute_many)
    tile = _tile_from(rows.figures, as_of)
    tile.computed_at, tile.pending = rows.computed_at, rows.pending
    return tile


# --- on write and in the refresh task ------------------------------------------------------


def legacy_tile_mark_changed(organisation_id: int, *, create: bool = True) -> None:
    """The organisation's applications or spend changed: its stored rows are behind."""
    day_rows_mark_changed(LegacyTileFigures, [organisation_id], create=create)


def legacy_tile_refresh(organisation_id: int, changed_at: str | None = None) -> bool:
    """Recompute the organisation's row of today when it is behind; whether it did."""
    return day_row_refresh(LegacyTileFigures, organisation_id, _compute_many, changed_at)
