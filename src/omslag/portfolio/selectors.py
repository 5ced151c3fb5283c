"""Reads of the application register and spend, and the figures computed from them.

Figures come from the analysis core (omslag.analysis.spend); this module only fetches and
aggregates in the database, so that a page needs a handful of queries whatever the volume.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, overload

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from omslag.analysis.spend import (
    CATEGORIES,
    Category,
    ChangeInnovateBudget,
    FanIn,
    Kind,
    RetireApplication,
    ScenarioProjection,
    SpendItem,
    StartProject,
    StopProject,
    Target,
    TargetGap,
    YearBalance,
    age_distribution,
    balance_by_year,
    compare_scenarios,
    dependency_fan_in,
    end_of_support_status,
    find_cycles,
    gap_to_target,
    share_trend,
)
from omslag.analysis.spend import ScenarioChange as PlannedChange
from omslag.analysis.spend.time_position import GOOD_CONDITION_THRESHOLD, HIGH_VALUE_THRESHOLD
from omslag.organisations.models import Organisation

from .models import Application, Dependency, Scenario, ScenarioChange, SpendLine, SpendTarget

CENT = Decimal("0.01")
EOS_WINDOW_MONTHS = 24


def _organisation_filter(
    organisation: Organisation, include_children: bool, prefix: str = "organisation"
) -> Q:
    if include_children:
        # The ids of the subtree (one small query) rather than a join on the path, so the
        # indexes that start with the organisation serve the aggregates.
        subtree = list(
            Organisation.objects.filter(path__startswith=organisation.path).values_list(
                "pk", flat=True
            )
        )
        return Q(**{f"{prefix}_id__in": subtree})
    return Q(**{prefix: organisation})


def time_position_expression() -> Case:
    """The TIME position in SQL: the hand-chosen one, else derived as in the analysis core."""
    high = Q(business_value__gte=HIGH_VALUE_THRESHOLD)
    good = Q(technical_condition__gte=GOOD_CONDITION_THRESHOLD)
    return Case(
        When(~Q(time_override=""), then=F("time_override")),
        When(high & good, then=Value("invest")),
        When(high, then=Value("migrate")),
        When(good, then=Value("tolerate")),
        default=Value("eliminate"),
        output_field=CharField(),
    )


def latest_actual_year(organisation: Organisation, include_children: bool = False) -> int | None:
    year: int | None = (
        SpendLine.objects.filter(
            _organisation_filter(organisation, include_children), kind="actual"
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return year


def _run_cost_subquery(year: int | None) -> Subquery:
    return Subquery(
        SpendLine.objects.filter(
            application=OuterRef("pk"), year=year, kind="actual", category="run"
        )
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )


def applications_of(
    organisation: Organisation,
    *,
    include_children: bool = False,
    run_cost_year: int | None = None,
) -> QuerySet[Application]:
    """Live applications annotated with ``time`` and ``run_cost`` (actual run spend of
    ``run_cost_year``, by default the latest year with actuals)."""
    if run_cost_year is None:
        run_cost_year = latest_actual_year(organisation, include_children)
    return (
        Application.objects.filter(_organisation_filter(organisation, include_children))
        .select_related("organisation")
        .annotate(
            time=time_position_expression(),
            run_cost=Coalesce(_run_cost_subquery(run_cost_year), Value(Decimal("0.00"))),
        )
    )


SORTS = {
    "name": "name",
    "time": "time",
    "status": "status",
    "go-live": "go_live_year",
    "end-of-support": "end_of_support",
    "value": "business_value",
    "condition": "technical_condition",
    "run-cost": "run_cost",
    "vendor": "vendor",
}

# Sorts on columns that may be empty: empty last both ways, with an index for each direction.
NULLABLE_SORTS = ("go_live_year", "end_of_support", "run_cost")


@dataclass
class ApplicationFilters:
    search: str = ""
    time: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    owner: str = ""
    end_of_support: str = ""  # past, within-24-months, later, unknown
    bio_high: str = ""  # availability, integrity, confidentiality, any
    sort: str = "name"
    include_children: bool = False  # the applications of the organisations below it too


def application_list(
    organisation: Organisation, filters: ApplicationFilters, *, today: dt.date | None = None
) -> QuerySet[Application]:
    today = today or timezone.localdate()
    queryset = applications_of(organisation, include_children=filters.include_children)
    if filters.search:
        term = filters.search
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(vendor__icontains=term)
            | Q(technology__icontains=term)
            | Q(purpose__icontains=term)
        )
    if filters.time:
        queryset = queryset.filter(time__in=filters.time)
    if filters.status:
        queryset = queryset.filter(status__in=filters.status)
    if filters.owner:
        queryset = queryset.filter(
            Q(owner_unit__icontains=filters.owner) | Q(owner_name__icontains=filters.owner)
        )
    window_end = _add_months(today, EOS_WINDOW_MONTHS)
    if filters.end_of_support == "past":
        queryset = queryset.filter(end_of_support__lt=today)
    elif filters.end_of_support == "within-24-months":
        queryset = queryset.filter(end_of_support__gte=today, end_of_support__lte=window_end)
    elif filters.end_of_support == "until-12-months":
        # The board dashboard's legacy: past, or ending within the coming 12 months.
        queryset = queryset.filter(end_of_support__lte=_add_months(today, 12))
    elif filters.end_of_support == "later":
        queryset = queryset.filter(end_of_support__gt=window_end)
    elif filters.end_of_support == "unknown":
        queryset = queryset.filter(end_of_support__isnull=True)
    if filters.bio_high in ("availability", "integrity", "confidentiality"):
        queryset = queryset.filter(**{filters.bio_high: "high"})
    elif filters.bio_high == "any":
        queryset = queryset.filter(
            Q(availability="high") | Q(integrity="high") | Q(confidentiality="high")
        )
    field = SORTS.get(filters.sort.lstrip("-"), "name")
    descending = filters.sort.startswith("-")
    if field in NULLABLE_SORTS:
        order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    else:
        # Plain, so that an index on the column read backwards serves the descending order
        # ("NULLS LAST" with DESC would not match it, though the column has no nulls).
        order = F(field).desc() if descending else F(field).asc()
    return (
        queryset.order_by(order, "pk")
        if field == "name"
        else queryset.order_by(order, "name", "pk")
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    import calendar

    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def applications_choosable(organisation: Organisation) -> QuerySet[Application]:
    """The live applications a record of ``organisation`` may point to: its own only."""
    return Application.objects.filter(organisation=organisation)


def application_with_figures(application: Application) -> Application:
    """``application`` annotated like the list (``time``, ``run_cost``)."""
    return applications_of(application.organisation).get(pk=application.pk)


def spend_lines_of(
    organisation: Organisation,
    *,
    year: int | None = None,
    kind: str | None = None,
    category: str | None = None,
) -> QuerySet[SpendLine]:
    queryset = SpendLine.objects.filter(organisation=organisation).select_related(
        "organisation", "application"
    )
    if year is not None:
        queryset = queryset.filter(year=year)
    if kind:
        queryset = queryset.filter(kind=kind)
    if category:
        queryset = queryset.filter(category=category)
    return queryset.order_by("-year", "kind", "category", "id")


def spend_targets_of(organisation: Organisation) -> QuerySet[SpendTarget]:
    return SpendTarget.objects.filter(organisation=organisation).select_related("organisation")


def application_run_cost(application: Application, year: int) -> Decimal:
    total = (
        SpendLine.objects.filter(application=application, year=year, category="run")
        .values("kind")
        .annotate(total=Sum("amount"))
    )
    by_kind: dict[str, Decimal | None] = {row["kind"]: row["total"] for row in total}
    return (by_kind.get("actual") or by_kind.get("budget") or Decimal("0")).quantize(CENT)


def application_dependencies(application: Application) -> tuple[list[Dependency], list[Dependency]]:
    """(what it needs, what needs it) as live dependency records."""
    needs = Dependency.objects.filter(application=application).select_related(
        "application", "depends_on"
    )
    needed_by = Dependency.objects.filter(depends_on=application).select_related(
        "application", "depends_on"
    )
    return list(needs), list(needed_by)


def application_spend_by_year(application: Application) -> list[dict[str, Any]]:
    return list(
        SpendLine.objects.filter(application=application)
        .values("year", "kind", "category")
        .annotate(total=Sum("amount"))
        .order_by("-year", "kind", "category")
    )


def dependency_edges(
    organisation: Organisation, include_children: bool = False
) -> list[tuple[int, int]]:
    return list(
        Dependency.objects.filter(
            _organisation_filter(organisation, include_children, "application__organisation"),
            application__deleted_at__isnull=True,
            depends_on__deleted_at__isnull=True,
        ).values_list("application_id", "depends_on_id")
    )


# --- balance ------------------------------------------------------------------------------


def organisations_behind_on_spend(organisation_ids: Sequence[int], year: int) -> list[str]:
    """The names of the organisations among ``organisation_ids`` that recorded actual spend
    before ``year`` but none of ``year``: their register is behind, so figures added up over
    them lack their share. One query, each organisation an index probe."""

    def actual(**years: Any) -> Exists:
        return Exists(SpendLine.objects.filter(organisation=OuterRef("pk"), kind="actual", **years))

    return list(
        Organisation.objects.filter(pk__in=list(organisation_ids))
        .filter(actual(year__lt=year))
        .exclude(actual(year=year))
        .order_by("name")
        .values_list("name", flat=True)
    )


def spend_totals_for(
    organisation_ids: Iterable[int], *, kind: str, before_year: int | None = None
) -> dict[int, dict[str, Decimal]]:
    """Spend of ``kind`` per year and category over the organisations with these ids, in one
    grouped query: {year: {"run": …, "change": …, "innovate": …}}, years before
    ``before_year`` only when given."""
    lines = SpendLine.objects.filter(organisation_id__in=organisation_ids, kind=kind)
    if before_year is not None:
        lines = lines.filter(year__lt=before_year)
    totals: dict[int, dict[str, Decimal]] = {}
    for row in lines.values("year", "category").annotate(total=Sum("amount")).order_by():
        year = totals.setdefault(row["year"], dict.fromkeys(SPEND_CATEGORIES, Decimal("0.00")))
        year[row["category"]] += Decimal(row["total"]).quantize(CENT)
    return totals


def applications_for(
    organisation_ids: Iterable[int], *, run_cost_year: int | None
) -> QuerySet[Application]:
    """Live applications of the organisations with these ids, annotated with ``run_cost``:
    the actual run spend of ``run_cost_year`` booked on them."""
    return Application.objects.filter(organisation_id__in=organisation_ids).annotate(
        run_cost=Coalesce(_run_cost_subquery(run_cost_year), Value(Decimal("0.00")))
    )


def spend_items(organisation: Organisation, include_children: bool = True) -> list[SpendItem]:
    """Spend aggregated per year, kind and category in the database (a few dozen rows)."""
    rows = (
        SpendLine.objects.filter(_organisation_filter(organisation, include_children))
        .values("year", "kind", "category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return [
        SpendItem(
            year=r["year"],
            amount=Decimal(r["total"]).quantize(CENT),
            kind=r["kind"],
            category=r["category"],
        )
        for r in rows
    ]


def spend_target_current(
    organisation: Organisation, today: dt.date | None = None
) -> SpendTarget | None:
    """The target that applies now: the nearest target year from this year on, else the last."""
    today = today or timezone.localdate()
    targets = list(SpendTarget.objects.filter(organisation=organisation).order_by("target_year"))
    upcoming = [t for t in targets if t.target_year >= today.year]
    return upcoming[0] if upcoming else (targets[-1] if targets else None)


@overload
def analysis_target(target: SpendTarget) -> Target: ...


@overload
def analysis_target(target: None) -> None: ...


def analysis_target(target: SpendTarget | None) -> Target | None:
    if target is None:
        return None
    return Target(
        year=target.target_year,
        innovate_min_share=float(target.innovate_min_percent) / 100
        if target.innovate_min_percent is not None
        else None,
        run_max_share=float(target.run_max_percent) / 100
        if target.run_max_percent is not None
        else None,
    )


@dataclass
class BalanceOverview:
    balances: list[YearBalance]
    target: SpendTarget | None
    gap: TargetGap | None  # for the latest year with spend
    trends: dict[tuple[Kind, Category], float | None]  # (kind, category) -> points per year
    latest_year: int | None


def balance_overview(organisation: Organisation, include_children: bool = True) -> BalanceOverview:
    """The balance computed afresh from the spend lines (the stored one is in ``figures``)."""
    return balance_overview_from(
        balance_by_year(spend_items(organisation, include_children)), organisation
    )


def balance_overview_from(
    balances: list[YearBalance], organisation: Organisation, today: dt.date | None = None
) -> BalanceOverview:
    """Target, gap and trends for ``balances``; the target is read now, since which target
    applies depends on today's date."""
    target = spend_target_current(organisation, today)
    gap: TargetGap | None = None
    latest: int | None = None
    if balances:
        actual_years = [b for b in balances if b.actual.total > 0]
        latest_balance = actual_years[-1] if actual_years else balances[-1]
        latest = latest_balance.year
        if target is not None:
            gap = gap_to_target(latest_balance, analysis_target(target))
    trends = {
        (kind, category): share_trend(balances, category, kind)
        for kind in TREND_KINDS
        for category in CATEGORIES
    }
    return BalanceOverview(balances, target, gap, trends, latest)


# --- legacy risk ----------------------------------------------------------------------------


class LegacyApplication(Protocol):
    """An application as legacy risk reads it: an Application annotated with ``time`` and
    ``run_cost``, or figures.ApplicationFigures when read from the stored figures."""

    @property
    def pk(self) -> int: ...

    name: str
    end_of_support: dt.date | None
    go_live_year: int | None
    time: str
    run_cost: Decimal


@dataclass
class LegacyRow:
    application: LegacyApplication
    support: str
    direct_dependents: int
    transitive_dependents: int


@dataclass
class LegacyRisk:
    rows: list[LegacyRow]  # past or within the window, most depended-on first
    migrate_eliminate_run_cost: Decimal
    time_counts: dict[str, int]
    time_run_cost: dict[str, Decimal]
    age: dict[str, int]
    cycles: list[list[LegacyApplication]]
    run_cost_year: int | None
    applications: Sequence[LegacyApplication] = field(default_factory=list)
    state: object = None  # figures.FiguresState, when read from the stored figures


@dataclass
class LegacyInputs:
    """What legacy risk is made of that does not depend on today's date: the applications
    (with ``time`` and ``run_cost``), their fan-in and the cycles (ids). Computing it walks
    the whole dependency graph; the stored figures keep it (``figures``)."""

    applications: Sequence[LegacyApplication]
    fan_in: dict[int, FanIn]  # application id -> FanIn
    cycles: list[list[int]]
    run_cost_year: int | None


def legacy_inputs(organisation: Organisation) -> LegacyInputs:
    year = latest_actual_year(organisation)
    # Only what the figures need: a national landscape has thousands of applications. Run
    # costs come from one grouped query instead of a subquery per application.
    # Any: the instances carry the annotated ``time`` and the ``run_cost`` set below, which
    # the model does not declare.
    applications: list[Any] = list(
        Application.objects.filter(organisation=organisation)
        .annotate(time=time_position_expression())
        .only(
            "name",
            "end_of_support",
            "go_live_year",
            "business_value",
            "technical_condition",
            "time_override",
            "organisation_id",
        )
    )
    run_costs = (
        dict(
            SpendLine.objects.filter(
                organisation=organisation, year=year, kind="actual", category="run"
            )
            .exclude(application=None)
            .values("application")
            .annotate(total=Sum("amount"))
            .values_list("application", "total")
        )
        if year is not None
        else {}
    )
    for application in applications:
        application.run_cost = Decimal(run_costs.get(application.pk) or 0).quantize(CENT)
    edges = dependency_edges(organisation)
    known = {a.pk for a in applications}
    return LegacyInputs(
        applications=applications,
        fan_in=dependency_fan_in(edges, applications=known),
        cycles=[sorted(i for i in cycle if i in known) for cycle in find_cycles(edges)],
        run_cost_year=year,
    )


def legacy_risk(organisation: Organisation, today: dt.date | None = None) -> LegacyRisk:
    """Legacy risk computed afresh (the stored one is in ``figures``)."""
    return legacy_risk_from(legacy_inputs(organisation), today)


def legacy_risk_from(inputs: LegacyInputs, today: dt.date | None = None) -> LegacyRisk:
    """The figures of legacy risk on ``today``: support status and age from the stored
    dates, the rest as computed."""
    today = today or timezone.localdate()
    applications = inputs.applications
    by_id = {a.pk: a for a in applications}
    fan_in = inputs.fan_in
    rows: list[LegacyRow] = []
    time_counts = dict.fromkeys(("tolerate", "invest", "migrate", "eliminate"), 0)
    time_run_cost = dict.fromkeys(time_counts, Decimal("0.00"))
    for application in applications:
        time_counts[application.time] += 1
        time_run_cost[application.time] += Decimal(application.run_cost).quantize(CENT)
        support = end_of_support_status(application.end_of_support, today, EOS_WINDOW_MONTHS)
        if support in ("past", "within_window"):
            counts = fan_in[application.pk]
            rows.append(
                LegacyRow(
                    application, support, counts.direct_dependents, counts.transitive_dependents
                )
            )
    rows.sort(
        key=lambda r: (-r.transitive_dependents, r.application.end_of_support, r.application.name)
    )
    cycles = [
        sorted((by_id[i] for i in cycle if i in by_id), key=lambda a: a.name)
        for cycle in inputs.cycles
    ]
    return LegacyRisk(
        rows=rows,
        migrate_eliminate_run_cost=(time_run_cost["migrate"] + time_run_cost["eliminate"]).quantize(
            CENT
        ),
        time_counts=time_counts,
        time_run_cost=time_run_cost,
        # Planned applications that go live later have no age yet.
        age=age_distribution(
            [
                a.go_live_year if a.go_live_year and a.go_live_year <= today.year else None
                for a in applications
            ],
            today.year,
        ),
        cycles=[cycle for cycle in cycles if cycle],
        run_cost_year=inputs.run_cost_year,
        applications=applications,
    )


# --- scenarios ------------------------------------------------------------------------------


def scenarios_of(organisation: Organisation) -> QuerySet[Scenario]:
    return (
        Scenario.objects.filter(organisation=organisation)
        .annotate(change_count=Count("changes", filter=Q(changes__deleted_at__isnull=True)))
        .select_related("organisation")
        .order_by("name", "pk")
    )


def scenario_changes(scenario: Scenario) -> list[ScenarioChange]:
    return list(scenario.changes.filter(deleted_at__isnull=True).select_related("application"))


def analysis_changes(changes: Iterable[ScenarioChange]) -> list[PlannedChange]:
    result: list[PlannedChange] = []
    for change in changes:
        amount = Decimal(change.amount).quantize(CENT)
        if change.kind == ScenarioChange.Kind.RETIRE_APPLICATION:
            if change.application_id is None:  # clean() refuses it; stored data could lack it
                raise ValueError(
                    _("Change %(id)s retires an application but names none.") % {"id": change.pk}
                )
            result.append(
                RetireApplication(
                    application_id=change.application_id,
                    from_year=change.from_year,
                    run_cost=amount,
                    replacement_run_cost=Decimal(change.replacement_amount).quantize(CENT),
                )
            )
        elif change.kind == ScenarioChange.Kind.START_PROJECT:
            result.append(
                StartProject(
                    from_year=change.from_year,
                    to_year=change.to_year,
                    annual_change_cost=amount,
                    project_id=change.label or None,
                )
            )
        elif change.kind == ScenarioChange.Kind.STOP_PROJECT:
            result.append(
                StopProject(
                    from_year=change.from_year,
                    annual_change_cost=amount,
                    project_id=change.label or None,
                )
            )
        else:
            result.append(ChangeInnovateBudget(from_year=change.from_year, delta=amount))
    return result


# The key of the projection without changes in a scenario comparison. It is not a string, so
# no scenario's name (not even "—", which the pages show for it) can take its place.
BASELINE = None


def scenario_comparison(
    organisation: Organisation,
    scenarios: Iterable[Scenario] | None = None,
    years: int = 10,
    items: Iterable[SpendItem] | None = None,
) -> dict[str | None, ScenarioProjection]:
    """Each scenario (and 'no change') projected from its base year; {name: projection}, with
    'no change' under ``BASELINE``.

    All scenarios of one comparison share the base year of the first one, so they can be read
    side by side; raises ValueError (with the change and year) when a projection goes negative.
    """
    chosen = list(scenarios if scenarios is not None else scenarios_of(organisation))
    if not chosen:
        return {}
    base_year = chosen[0].base_year
    if items is None:  # the page passes the stored sums (figures.spend_items_stored)
        items = spend_items(organisation)
    target = analysis_target(spend_target_current(organisation))
    named: dict[str | None, list[PlannedChange]] = {BASELINE: []}
    for scenario in chosen:
        named[scenario.name] = analysis_changes(scenario_changes(scenario))
    return compare_scenarios(items, named, base_year, years=years, target=target)


# --- spend lines and cycles of one application ----------------------------------------

SPEND_CATEGORIES = ("run", "change", "innovate")
# The kinds the balance's trends are read for, in this order.
TREND_KINDS: tuple[Kind, ...] = ("actual", "budget")


def spend_line_list(
    organisation: Organisation, *, year: int | None = None, kind: str = "", category: str = ""
) -> QuerySet[SpendLine]:
    """The organisation's live spend lines, newest year first, with their application."""
    lines = SpendLine.objects.filter(organisation=organisation).select_related("application")
    if year:
        lines = lines.filter(year=year)
    if kind:
        lines = lines.filter(kind=kind)
    if category:
        lines = lines.filter(category=category)
    return lines.order_by("-year", "kind", "category", "id")


def spend_years(organisation: Organisation) -> list[int]:
    """The years the organisation has spend lines in, newest first."""
    return list(
        SpendLine.objects.filter(organisation=organisation)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


@dataclass
class KindTotals:
    kind: str
    lines: int = 0
    amounts: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(SPEND_CATEGORIES, Decimal("0.00"))
    )

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal("0.00"))


def spend_line_totals(lines: QuerySet[SpendLine]) -> list[KindTotals]:
    """Totals of ``lines`` per kind and category in one query; budget and actual are kept
    apart, because a planned and a realised amount added together describe neither."""
    totals = {kind: KindTotals(kind) for kind in ("actual", "budget")}
    rows = lines.order_by().values("kind", "category").annotate(total=Sum("amount"), n=Count("id"))
    for row in rows:
        kind_totals = totals[row["kind"]]
        kind_totals.lines += row["n"]
        kind_totals.amounts[row["category"]] += row["total"]
    return [t for t in totals.values() if t.lines]


def application_cycle(application: Application) -> list[Application]:
    """The other applications in a dependency cycle with ``application`` (empty if none)."""
    edges = dependency_edges(application.organisation)
    for cycle in find_cycles(edges):
        if application.pk in cycle:
            return list(
                Application.objects.filter(pk__in=cycle).exclude(pk=application.pk).order_by("name")
            )
    return []
