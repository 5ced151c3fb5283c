"""Stored figures: the balance per year and legacy risk (TIME positions, run cost, fan-in and
cycles) computed once per change of their inputs, not on every view.

A write of an application, dependency or spend line calls ``figures_inputs_changed`` inside
its transaction: that raises the stored row's ``inputs_version`` and, on commit, enqueues
the task ``portfolio_figures_refresh`` for the organisation. Pages and the API read the stored
row with ``balance_overview_stored`` and ``legacy_risk_stored``; while the refresh is pending
they get the stored figures with their as-of time and ``pending`` set. What depends on
today's date (which target applies, end-of-support status, age) is derived when read, from
the stored dates, so a figure never goes stale by the calendar alone.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django_tasks import task

from omslag.analysis.spend import FanIn, SpendItem, balance_by_year
from omslag.common.chartwarm import charts_warm_later
from omslag.common.stored_figures import refresh_enqueue_coalesced, stored_figure_behind
from omslag.organisations.models import Organisation
from omslag.organisations.selectors import organisation_slugs_with_ancestors

from . import selectors
from .legacy_tile import legacy_tile_mark_changed, legacy_tile_refresh
from .models import PortfolioFigures

Kind = PortfolioFigures.Kind
# A refresh that has not happened this long after the change is taken as lost (a worker
# stopped, a queue emptied) and is enqueued again by the next read.
REFRESH_LOST_AFTER = dt.timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class FiguresState:
    """When the figures shown were computed, and whether a newer computation is on its way."""

    as_of: dt.datetime
    pending: bool


@dataclass(frozen=True, slots=True)
class ApplicationFigures:
    """An application as the stored legacy figures hold it: what the balance page, the API
    and the charts read, without loading the application."""

    id: int
    name: str
    end_of_support: dt.date | None
    go_live_year: int | None
    business_value: int
    technical_condition: int
    time: str
    run_cost: Decimal

    @property
    def pk(self) -> int:
        return self.id

    @property
    def time_position(self) -> str:
        return self.time


# --- on write -----------------------------------------------------------------------------


class _RefreshOnCommit:
    """The callback run on commit; one per organisation and transaction, whatever the
    number of writes in it (an import of 5,000 applications enqueues one refresh)."""

    def __init__(self, organisation_id: int, kinds: set[str]):
        self.organisation_id = organisation_id
        self.kinds = kinds
        self.done = False
        # Django names a robust callback that failed by its __qualname__ in the log.
        self.__qualname__ = "portfolio_figures_refresh on commit"

    def __call__(self) -> None:
        self.done = True
        refresh_enqueue_coalesced(portfolio_figures_refresh, self.organisation_id)


def _pending_in_transaction() -> dict[int, _RefreshOnCommit]:
    return {
        func.organisation_id: func
        for _savepoints, func, _robust in connection.run_on_commit
        if isinstance(func, _RefreshOnCommit) and not func.done
    }


def figures_inputs_changed(organisation, *, balance: bool = False, legacy: bool = False) -> None:
    """Mark the stored figures that read ``organisation``'s data as behind, and refresh them
    once the transaction commits. The balance with the organisations below counts the spend
    of every organisation above too."""
    wanted: dict[int, set[str]] = {}
    if legacy:
        wanted.setdefault(organisation.pk, set()).add(Kind.LEGACY)
    if balance:
        for organisation_id in [*organisation.ancestor_ids, organisation.pk]:
            wanted.setdefault(organisation_id, set()).add(Kind.BALANCE)
    _mark_and_refresh_on_commit(wanted)


def figures_subtrees_changed(organisation_ids) -> None:
    """Organisations were moved, deleted or restored below these: their balance with the
    organisations below is marked behind and refreshed on commit (registered with
    ``common.stored_figures.organisation_subtrees_change_register``)."""
    _mark_and_refresh_on_commit({pk: {Kind.BALANCE} for pk in organisation_ids})


def _mark_and_refresh_on_commit(wanted: dict[int, set[str]]) -> None:
    registered = _pending_in_transaction()
    for organisation_id, kinds in wanted.items():
        callback = registered.get(organisation_id)
        new = kinds - callback.kinds if callback else kinds
        # Raised on every write, not once per transaction: one UPDATE is cheap, and so the
        # figures are marked behind even if a refresh gets lost.
        _inputs_version_raise(organisation_id, kinds, create=bool(new))
        if Kind.LEGACY in kinds:  # the board's legacy figures (rows made once per transaction)
            legacy_tile_mark_changed(organisation_id, create=Kind.LEGACY in new)
        if callback:
            callback.kinds |= new
        else:
            transaction.on_commit(_RefreshOnCommit(organisation_id, set(new)), robust=True)


def _inputs_version_raise(organisation_id: int, kinds: set[str], *, create: bool) -> None:
    if create:
        # The rows are made here when missing (not yet computed), so that a first
        # computation running at the same time cannot miss this change: it reads the
        # version before it reads the data, and stores what it read.
        PortfolioFigures.objects.bulk_create(
            [PortfolioFigures(organisation_id=organisation_id, kind=k) for k in sorted(kinds)],
            ignore_conflicts=True,
        )
    PortfolioFigures.objects.filter(organisation_id=organisation_id, kind__in=kinds).update(
        inputs_version=F("inputs_version") + 1, inputs_changed_at=timezone.now()
    )


# --- refresh ------------------------------------------------------------------------------


def figures_refresh(organisation_id: int, changed_at: str | None = None) -> list[str]:
    """Recompute the stored figures of the organisation that are behind their inputs (or
    computed before the write that committed at ``changed_at``); the kinds recomputed.
    Figures never read yet are left to their first read."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return []
    refreshed = []
    for row in PortfolioFigures.objects.filter(organisation_id=organisation_id).order_by("kind"):
        if row.computed_at is not None and stored_figure_behind(row, changed_at):
            _compute_and_store(organisation, row.kind)
            refreshed.append(row.kind)
    return refreshed


@task()
def portfolio_figures_refresh(organisation_id: int, changed_at: str | None = None) -> list[str]:
    """The task: recompute the organisation's stored figures that are behind their inputs
    (run by whichever backend settings.TASKS names). Queued coalesced, like every refresh:
    the writes within a second share one (``common.stored_figures``)."""
    refreshed = figures_refresh(organisation_id, changed_at)
    if legacy_tile_refresh(organisation_id):
        refreshed.append("legacy-tile")
    if refreshed:
        charts_warm_later(organisation_slugs_with_ancestors([organisation_id]))
    return refreshed


def _compute_and_store(organisation, kind: str) -> PortfolioFigures:
    """Compute one kind of figures and store it with the inputs' version read before the
    data: a change that commits meanwhile leaves the row behind, and its own refresh
    follows."""
    try:
        with transaction.atomic():
            PortfolioFigures.objects.get_or_create(organisation=organisation, kind=kind)
    except IntegrityError:  # made by a concurrent request at the same moment
        pass
    version = (
        PortfolioFigures.objects.filter(organisation=organisation, kind=kind)
        .values_list("inputs_version", flat=True)
        .get()
    )
    compute = _balance_compute if kind == Kind.BALANCE else _legacy_compute
    figures = compute(organisation)
    now = timezone.now()
    PortfolioFigures.objects.filter(
        organisation=organisation, kind=kind, computed_version__lte=version
    ).update(figures=figures, computed_version=version, computed_at=now)
    return PortfolioFigures.objects.get(organisation=organisation, kind=kind)


def _subtree_ids(organisation) -> list[int]:
    return sorted(
        Organisation.objects.filter(path__startswith=organisation.path).values_list("pk", flat=True)
    )


def _item_rows(items: list[SpendItem]) -> list[list]:
    return [
        [i.year, i.kind, i.category, str(i.amount)]
        for i in sorted(items, key=lambda i: (i.year, i.kind, i.category))
    ]


def _balance_compute(organisation) -> dict:
    # The spend per year, kind and category (a few dozen sums) rather than the balances, so
    # that the scenarios project from the same figures as the balance.
    subtree = _subtree_ids(organisation)
    return {
        "own": _item_rows(selectors.spend_items(organisation, False)),
        "subtree": _item_rows(selectors.spend_items(organisation, True)),
        "subtree_ids": subtree,
    }


def _time_part(inputs) -> dict:
    """The TIME positions per score cell (TIME position, technical condition, business value):
    how many applications and their run cost. What the TIME chart of a large estate draws,
    readable without the applications (``time_figures_stored``)."""
    cells: dict[tuple[str, int, int], list] = {}
    for a in inputs.applications:
        cell = cells.setdefault((a.time, a.technical_condition, a.business_value), [0, Decimal(0)])
        cell[0] += 1
        cell[1] += Decimal(a.run_cost).quantize(selectors.CENT)
    return {
        "applications": len(inputs.applications),
        "run_cost_year": inputs.run_cost_year,
        "cells": [[*key, count, str(cost)] for key, (count, cost) in sorted(cells.items())],
    }


def _legacy_compute(organisation) -> dict:
    inputs = selectors.legacy_inputs(organisation)
    return {
        "time": _time_part(inputs),
        "run_cost_year": inputs.run_cost_year,
        "applications": [
            [
                a.pk,
                a.name,
                a.end_of_support.isoformat() if a.end_of_support else None,
                a.go_live_year,
                a.business_value,
                a.technical_condition,
                a.time,
                str(a.run_cost),
                inputs.fan_in[a.pk].direct_dependents,
                inputs.fan_in[a.pk].transitive_dependents,
            ]
            for a in inputs.applications
        ],
        "cycles": inputs.cycles,
    }


# --- reads --------------------------------------------------------------------------------


def _stored(organisation, kind: str) -> PortfolioFigures:
    row = PortfolioFigures.objects.filter(organisation=organisation, kind=kind).first()
    if row is None or row.computed_at is None:
        return _compute_and_store(organisation, kind)  # nothing stored yet: compute once
    _refresh_if_lost(row, organisation)
    return row


def _refresh_if_lost(row: PortfolioFigures, organisation) -> None:
    if row.pending and row.inputs_changed_at < timezone.now() - REFRESH_LOST_AFTER:
        refresh_enqueue_coalesced(portfolio_figures_refresh, organisation.pk)


def _state(row: PortfolioFigures) -> FiguresState:
    return FiguresState(as_of=row.computed_at, pending=row.pending)


def _balance_row(organisation, include_children: bool) -> PortfolioFigures:
    row = _stored(organisation, Kind.BALANCE)
    if include_children and row.figures["subtree_ids"] != _subtree_ids(organisation):
        # Organisations were added below or removed: the roll-up covers other ones now.
        row = _compute_and_store(organisation, Kind.BALANCE)
    return row


def _items(row: PortfolioFigures, include_children: bool) -> list[SpendItem]:
    return [
        SpendItem(year=year, kind=kind, category=category, amount=Decimal(amount))
        for year, kind, category, amount in row.figures["subtree" if include_children else "own"]
    ]


def balance_overview_stored(
    organisation, include_children: bool = True, today=None
) -> tuple[selectors.BalanceOverview, FiguresState]:
    """The balance per year from the stored figures, with the target that applies today."""
    row = _balance_row(organisation, include_children)
    balances = balance_by_year(_items(row, include_children))
    return selectors.balance_overview_from(balances, organisation, today), _state(row)


def spend_items_stored(organisation) -> list[SpendItem]:
    """The stored spend sums of the organisation and those below it, for the scenarios."""
    return _items(_balance_row(organisation, True), True)


def spend_items_stored_for(
    organisation, organisation_ids
) -> tuple[list[SpendItem], FiguresState] | None:
    """The stored spend sums of ``organisation`` alone or with every organisation below it,
    when ``organisation_ids`` is exactly that scope (the board dashboard's two choices), with
    their state; None for any other set of organisations (count them then)."""
    ids = sorted(organisation_ids)
    if ids == [organisation.pk]:
        row = _stored(organisation, Kind.BALANCE)
        return _items(row, False), _state(row)
    row = _balance_row(organisation, True)
    if row.figures["subtree_ids"] != ids:
        return None
    return _items(row, True), _state(row)


@dataclass(frozen=True, slots=True)
class TimeCell:
    """The applications of one TIME position with the same scores."""

    time: str
    technical_condition: int
    business_value: int
    count: int
    run_cost: Decimal


@dataclass(frozen=True)
class TimeFigures:
    """What the TIME chart and its summary show: the applications themselves for a small
    estate (each a marker), or only their score cells for a large one (a marker per cell)."""

    count: int
    run_cost_year: int | None
    time_counts: dict[str, int]
    time_run_cost: dict[str, Decimal]
    cells: list[TimeCell]
    applications: list[ApplicationFigures] | None

    @property
    def migrate_eliminate_run_cost(self) -> Decimal:
        return (self.time_run_cost["migrate"] + self.time_run_cost["eliminate"]).quantize(
            selectors.CENT
        )


def _time_figures(part: dict, applications: list[ApplicationFigures] | None) -> TimeFigures:
    cells = [
        TimeCell(time, condition, value, count, Decimal(cost))
        for time, condition, value, count, cost in part["cells"]
    ]
    counts = dict.fromkeys(("tolerate", "invest", "migrate", "eliminate"), 0)
    costs = dict.fromkeys(counts, Decimal("0.00"))
    for cell in cells:
        counts[cell.time] += cell.count
        costs[cell.time] += cell.run_cost
    return TimeFigures(
        count=part["applications"],
        run_cost_year=part["run_cost_year"],
        time_counts=counts,
        time_run_cost=costs,
        cells=cells,
        applications=applications,
    )


def time_figures_stored(organisation, small: int) -> tuple[TimeFigures, FiguresState]:
    """The TIME figures from the stored legacy figures. Only their TIME part is read (a few
    hundred values), not every application: for an estate of more than ``small``
    applications that is all the chart needs; a smaller one gets its applications too."""
    row = (
        PortfolioFigures.objects.filter(organisation=organisation, kind=Kind.LEGACY)
        .defer("figures")
        .annotate(time_part=KeyTransform("time", "figures"))
        .first()
    )
    if row is None or row.computed_at is None or row.time_part is None:
        # Nothing stored yet, or stored by a version without the TIME part (before an
        # upgrade): computed and stored now, once, so the next read is the light one.
        whole = _compute_and_store(organisation, Kind.LEGACY)
        part = whole.figures["time"]
        applications = None
        if part["applications"] <= small:
            applications = _legacy_inputs_from(whole.figures).applications
        return _time_figures(part, applications), _state(whole)
    _refresh_if_lost(row, organisation)
    applications = None
    if row.time_part["applications"] <= small:
        applications = legacy_risk_stored(organisation)[0].applications
    return _time_figures(row.time_part, applications), _state(row)


def _legacy_inputs_from(stored: dict) -> selectors.LegacyInputs:
    """The legacy inputs as the stored figures hold them."""
    applications = []
    fan_in = {}
    for (
        pk,
        name,
        end_of_support,
        go_live_year,
        value,
        condition,
        time,
        run_cost,
        direct,
        transitive,
    ) in stored["applications"]:
        applications.append(
            ApplicationFigures(
                id=pk,
                name=name,
                end_of_support=dt.date.fromisoformat(end_of_support) if end_of_support else None,
                go_live_year=go_live_year,
                business_value=value,
                technical_condition=condition,
                time=time,
                run_cost=Decimal(run_cost),
            )
        )
        fan_in[pk] = FanIn(direct, transitive)
    return selectors.LegacyInputs(
        applications=applications,
        fan_in=fan_in,
        cycles=stored["cycles"],
        run_cost_year=stored["run_cost_year"],
    )


def legacy_risk_stored(organisation, today=None) -> tuple[selectors.LegacyRisk, FiguresState]:
    """Legacy risk and TIME positions from the stored figures, on ``today``."""
    row = _stored(organisation, Kind.LEGACY)
    inputs = _legacy_inputs_from(row.figures)
    risk = selectors.legacy_risk_from(inputs, today)
    risk.state = _state(row)
    return risk, risk.state
