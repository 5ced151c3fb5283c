"""Reads of projects and the figures and forecasts computed from them."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Count, DecimalField, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from omslag.analysis.projects import (
    OVERRUN_RATIO,
    EndDateForecast,
    Forecast,
    PortfolioForecast,
    ProjectFigures,
    forecast,
    forecast_end_date,
    project_figures,
)
from omslag.common.errors import RuleViolation
from omslag.common.stored_figures import figures_state
from omslag.organisations.models import Organisation
from omslag.organisations.selectors import organisation_subtree

from . import stored
from .figures import figures_reports, reference_ratios, snapshots
from .models import Part, Project, ProjectReport, ReferenceClass, ReviewAdvice
from .rates import ConvertedSum, convert_sum, rate_table_for


def projects_of(organisation: Organisation, *, include_children: bool = True) -> QuerySet[Project]:
    """The projects of the organisation and (by default) of every organisation below it,
    filtered on the subtree's organisation ids as a literal list: a join on the organisations'
    path made PostgreSQL read every project of the country (a sequential scan of 25,000 at
    national scale for a ministry's 5,000) where the ids let the (organisation, …) indexes
    read only the subtree's."""
    scope = (
        Q(organisation_id__in=list(subtree_slugs(organisation)))
        if include_children
        else Q(organisation=organisation)
    )
    return Project.objects.filter(scope).select_related("organisation")


def _board_scope(organisation_ids: Iterable[int]) -> QuerySet[Project]:
    return Project.objects.filter(organisation_id__in=list(organisation_ids)).exclude(
        status=Project.Status.CANCELLED
    )


def projects_board_figures(
    organisation_ids: Iterable[int], *, stale_before: dt.date
) -> dict[str, Any]:
    """The board dashboard's figures over the live projects (not cancelled) of these
    organisations, in one aggregate query: count, original and current estimates of those
    with a report, the end-date shifts, the colours, the running projects without a report
    since ``stale_before`` and the latest peildatum. The amounts are added in
    ``projects_board_totals``, per currency."""
    stale = ~Q(status=Project.Status.COMPLETED) & (
        Q(latest_peildatum__isnull=True) | Q(latest_peildatum__lt=stale_before)
    )
    figures: dict[str, Any] = _board_scope(organisation_ids).aggregate(
        count=Count("pk"),
        shift_sum=Sum("end_date_shift_months"),
        shift_count=Count("end_date_shift_months"),
        green=Count("pk", filter=Q(colour=Project.Colour.GREEN)),
        amber=Count("pk", filter=Q(colour=Project.Colour.AMBER)),
        red=Count("pk", filter=Q(colour=Project.Colour.RED)),
        unreported=Count("pk", filter=Q(colour="")),
        stale=Count("pk", filter=stale),
        latest=Max("latest_peildatum"),
    )
    return figures


@dataclass(frozen=True)
class BoardTotals:
    """The original and current estimates of the projects with a report, each added into
    the reporting currency at the stated rates (``total`` None: a currency has no rate)."""

    original: ConvertedSum
    current: ConvertedSum


def projects_board_totals(
    organisation_ids: Iterable[int], organisation: Organisation, on: dt.date
) -> BoardTotals:
    """The board's sums of the first and latest estimates of the live projects (not
    cancelled) with a report, per currency in one grouped query, converted at the rates
    that hold for ``organisation`` on ``on``; a currency without a rate is never added."""
    rows = (
        _board_scope(organisation_ids)
        .filter(original_estimate__isnull=False)
        .order_by()
        .values("currency")
        .annotate(original=Sum("original_estimate"), current=Sum("current_estimate"), n=Count("pk"))
    )
    counts: dict[str, int] = {}
    original: dict[str, Decimal] = {}
    current: dict[str, Decimal] = {}
    for row in rows:
        counts[row["currency"]] = row["n"]
        original[row["currency"]] = row["original"] or Decimal(0)
        current[row["currency"]] = row["current"] or Decimal(0)
    table = rate_table_for(organisation, on)
    return BoardTotals(convert_sum(original, counts, table), convert_sum(current, counts, table))


def projects_largest(organisation_ids: Iterable[int], limit: int = 10) -> list[Project]:
    """The ``limit`` projects with the largest current estimate (none counts as 0; then by
    name), for the board."""
    estimate = Coalesce("current_estimate", Value(Decimal(0)), output_field=DecimalField())
    return list(
        _board_scope(organisation_ids)
        .only(
            "name",
            "currency",
            "original_estimate",
            "current_estimate",
            "end_date_shift_months",
            "colour",
        )
        .order_by(estimate.desc(), "name", "pk")[:limit]
    )


def projects_awaiting_review_advice(organisation_ids: Iterable[int]) -> QuerySet[Project]:
    """Projects above the review threshold without independent advice, by name."""
    return (
        _board_scope(organisation_ids)
        .filter(review_threshold_met=True, has_review_advice=False)
        .select_related("organisation")
        .only("name", "organisation__slug", "created_at")
        .order_by("name", "pk")
    )


def open_review_advice_count(organisation_ids: Iterable[int]) -> int:
    """Independent-review advice without a recorded follow-up, on live projects."""
    return ReviewAdvice.objects.filter(
        project__organisation_id__in=organisation_ids,
        project__deleted_at__isnull=True,
        follow_up="",
    ).count()


SORTS = {
    "name": "name",
    "organisation": "organisation__name",
    "status": "status",
    "estimate": "current_estimate",
    "cost-change": "cost_change_pct",
    "end-date-shift": "end_date_shift_months",
    "end-date": "current_end_date",
    "peildatum": "latest_peildatum",
    "colour": "colour",
}


@dataclass
class ProjectFilters:
    search: str = ""
    organisation: str = ""  # slug of an organisation in the subtree
    status: tuple[str, ...] = ()
    cost_bucket: tuple[str, ...] = ()
    colour: tuple[str, ...] = ()
    review_advice: str = ""  # "yes" / "no"
    sort: str = "name"


def subtree_slugs(organisation: Organisation) -> dict[int, str]:
    """id -> slug of the organisation and every organisation below it (one small query); the
    list's page reads it once for its counts and its rows (``subtree=``)."""
    return dict(
        Organisation.all_objects.filter(path__startswith=organisation.path).values_list(
            "pk", "slug"
        )
    )


def project_list(
    organisation: Organisation, filters: ProjectFilters, *, subtree: dict[int, str] | None = None
) -> QuerySet[Project]:
    """The projects of the list: filtered on the subtree's organisation ids (a literal list,
    so the (organisation, …) indexes serve every filter and sort), then the filters."""
    slugs = subtree if subtree is not None else subtree_slugs(organisation)
    ids = list(slugs)
    if filters.organisation:
        ids = [pk for pk, slug in slugs.items() if slug == filters.organisation]
    queryset = Project.objects.filter(organisation_id__in=ids).select_related("organisation")
    if filters.search:
        queryset = queryset.filter(
            Q(name__icontains=filters.search)
            | Q(number__icontains=filters.search)
            | Q(external_id__icontains=filters.search)
        )
    if filters.status:
        queryset = queryset.filter(status__in=filters.status)
    if filters.cost_bucket:
        queryset = queryset.filter(cost_bucket__in=filters.cost_bucket)
    if filters.colour:
        queryset = queryset.filter(colour__in=filters.colour)
    if filters.review_advice in ("yes", "no"):
        queryset = queryset.filter(has_review_advice=filters.review_advice == "yes")
    key = SORTS.get(filters.sort.lstrip("-"), "name")
    order = (
        F(key).desc(nulls_last=True)
        if filters.sort.startswith("-")
        else F(key).asc(nulls_last=True)
    )
    return queryset.order_by(order, "name", "pk")


def project_reports(project: Project) -> list[ProjectReport]:
    """Every live report, oldest first, with the correction it received if any."""
    return list(project.reports.select_related("corrects").order_by("peildatum", "pk"))


def project_figures_of(project: Project) -> ProjectFigures | None:
    reports = figures_reports(project)
    if not reports:
        return None
    return project_figures(project.start_date, snapshots(reports))


def reference_classes_for(organisation: Organisation) -> QuerySet[ReferenceClass]:
    """The classes an organisation may use: its own, its ancestors', and the shipped ones."""
    ids = [*organisation.ancestor_ids, organisation.pk]
    return ReferenceClass.objects.filter(Q(organisation_id__in=ids) | Q(organisation=None))


def reference_class_get(organisation: Organisation, name: str) -> ReferenceClass:
    found = reference_classes_for(organisation).filter(name=name).first()
    if found is None:
        raise Http404(f"No reference class named {name!r}.")
    return found


@dataclass
class ProjectForecast:
    project: Project
    cost: Forecast | None = None
    end_date: EndDateForecast | None = None
    problems: list[str] = field(default_factory=list)


def project_forecast(
    project: Project,
    reference_class: ReferenceClass,
    schedule_class: ReferenceClass | None = None,
) -> ProjectForecast:
    """Cost (and, with a schedule class, end date) forecast of one project."""
    result = ProjectForecast(project)
    if project.current_estimate is None:
        result.problems.append("no report with a cost estimate")
        return result
    ratios = reference_ratios(reference_class)
    result.cost = forecast(float(project.current_estimate), ratios)
    if schedule_class is not None and project.current_end_date and project.latest_peildatum:
        result.end_date = forecast_end_date(
            project.latest_peildatum, project.current_end_date, reference_ratios(schedule_class)
        )
    return result


def _forecast_candidates(organisation: Organisation) -> QuerySet[Project]:
    """Running projects with a cost estimate: what a portfolio forecast may add up."""
    return (
        projects_of(organisation)
        .filter(current_estimate__isnull=False)
        .exclude(status__in=[Project.Status.COMPLETED, Project.Status.CANCELLED])
    )


def no_longer_reported_count(organisation: Organisation) -> int:
    """Running projects with an estimate that their register no longer reports: left out of
    the portfolio forecast unless asked for."""
    return _forecast_candidates(organisation).filter(not_reported_after__isnull=False).count()


def portfolio_forecast(
    organisation: Organisation,
    reference_class: ReferenceClass,
    *,
    iterations: int = 10_000,
    seed: int | None = None,
    include_no_longer_reported: bool = False,
) -> PortfolioForecast:
    """Monte Carlo over the running projects of the organisation (and those below it); those
    a register no longer reports (``not_reported_after``) only when asked for: a project that
    disappeared from a later snapshot is not known to be still running."""
    return stored.forecast_compute(
        stored.forecast_scope_ids(organisation, True),
        reference_class,
        iterations=iterations,
        seed=seed,
        include_no_longer_reported=include_no_longer_reported,
        table=rate_table_for(organisation),
    )


@dataclass(frozen=True)
class StoredForecast:
    """A portfolio forecast as stored: the result (None: nothing to forecast, ``problem``
    says why), when it was computed, whether a refresh is queued, and its conversion: the
    reporting currency, the rates used and the currencies left without a rate (then the
    result is None: amounts are never added unconverted)."""

    result: PortfolioForecast | None
    problem: str
    computed_at: dt.datetime | None
    pending: bool
    currency: str = "EUR"
    rates: list[dict[str, Any]] = field(default_factory=list)  # StatedRate.as_data()
    unconverted: list[dict[str, Any]] = field(default_factory=list)  # Unconverted.as_data()


def portfolio_forecast_stored(
    organisation: Organisation,
    reference_class: ReferenceClass,
    *,
    iterations: int,
    seed: int,
    include_no_longer_reported: bool = False,
    with_children: bool = True,
) -> StoredForecast:
    """The portfolio forecast of ``portfolio_forecast`` as computed once and stored (computed
    now when nothing is stored yet); refreshed by a task when a project in scope changes."""
    key = stored.forecast_key(
        organisation,
        reference_class,
        with_children=with_children,
        iterations=iterations,
        seed=seed,
        include_no_longer_reported=include_no_longer_reported,
    )
    row = stored.forecast_stored(key)
    conversion = stored.forecast_conversion(row)
    return StoredForecast(
        stored.forecast_result(row),
        stored.forecast_problem_text(row.problem, conversion) if row.problem else "",
        row.computed_at,
        row.pending,
        conversion["currency"],
        conversion["rates"],
        conversion["unconverted"],
    )


# The stored portfolio forecast: the Monte Carlo the project portfolio page shows (a fixed
# seed, so that it shows the same figures every time it is opened). The forecast API and
# ``omslag forecast`` read it when asked for exactly this, or for no seed and no iterations.
STORED_FORECAST_ITERATIONS = 5000
STORED_FORECAST_SEED = 0
COMPUTED_FORECAST_ITERATIONS = 10_000  # with a seed or iterations of one's own


@dataclass(frozen=True)
class ForecastSelection:
    """The Monte Carlo a forecast request asks for, and whether it is the stored one."""

    seed: int | None
    iterations: int
    stored: bool


def forecast_selection(seed: int | None, iterations: int | None) -> ForecastSelection:
    """Without a seed and iterations, or with exactly the stored ones, the stored forecast;
    anything else is computed on request (10,000 draws when only a seed is given; no seed:
    not repeatable)."""
    if seed is None and iterations is None:
        return ForecastSelection(STORED_FORECAST_SEED, STORED_FORECAST_ITERATIONS, True)
    if seed == STORED_FORECAST_SEED and iterations == STORED_FORECAST_ITERATIONS:
        return ForecastSelection(seed, iterations, True)
    return ForecastSelection(seed, iterations or COMPUTED_FORECAST_ITERATIONS, False)


def _portfolio_out(result: PortfolioForecast) -> dict[str, Any]:
    return {
        "projects": result.project_count,
        "totalEstimate": result.total_estimate,
        "mean": result.mean,
        "p50": result.values[0],
        "p80": result.values[1],
        "p90": result.values[2],
        "probabilityOverEstimate": result.probability_over_estimate,
    }


_PortfolioPart = tuple[dict[str, Any] | None, dict[str, Any], dict[str, Any]]


def _portfolio_stored(
    organisation: Organisation,
    reference_class: ReferenceClass,
    selection: ForecastSelection,
    include_no_longer_reported: bool,
) -> _PortfolioPart:
    """The portfolio part of the report from the stored forecast: (portfolio, conversion,
    figures); RuleViolation when there is nothing to forecast, as when computed."""
    # A stored selection always has its seed (forecast_selection).
    seed = selection.seed if selection.seed is not None else STORED_FORECAST_SEED
    found = portfolio_forecast_stored(
        organisation,
        reference_class,
        iterations=selection.iterations,
        seed=seed,
        include_no_longer_reported=include_no_longer_reported,
    )
    if found.result is None and not found.unconverted:
        raise RuleViolation(found.problem)
    conversion = {
        "currency": found.currency,
        "exchangeRates": list(found.rates),
        "unconvertedCurrencies": list(found.unconverted),
    }
    portfolio = None if found.result is None else _portfolio_out(found.result)
    return portfolio, conversion, figures_state(found.computed_at, found.pending, True)


def _portfolio_computed(
    organisation: Organisation,
    reference_class: ReferenceClass,
    selection: ForecastSelection,
    include_no_longer_reported: bool,
) -> _PortfolioPart:
    """The portfolio part of the report computed now: (portfolio, conversion, figures)."""
    started = timezone.now()
    table = rate_table_for(organisation)
    inputs = stored.forecast_inputs(
        stored.forecast_scope_ids(organisation, True), include_no_longer_reported, table
    )
    portfolio = None
    if not inputs.unconverted:
        portfolio = portfolio_forecast(
            organisation,
            reference_class,
            iterations=selection.iterations,
            seed=selection.seed,
            include_no_longer_reported=include_no_longer_reported,
        )
    conversion = {
        "currency": inputs.currency,
        "exchangeRates": [rate.as_data() for rate in inputs.rates_used],
        "unconvertedCurrencies": [item.as_data() for item in inputs.unconverted],
    }
    out = None if portfolio is None else _portfolio_out(portfolio)
    return out, conversion, figures_state(started, False, False)


class _ProjectForecasts:
    """``forecast(estimate, ratios)`` of many projects with the class's ratio quantiles taken
    once (numpy's quantile per project was most of a large report's time): each value is the
    same product, estimate times ratio quantile, that ``forecast`` makes."""

    def __init__(self, ratios: Any) -> None:
        self.ratios = ratios
        self.first: Forecast | None = None

    def of(self, estimate: float) -> dict[str, float]:
        if self.first is None or estimate < 0:  # the checks of forecast: its errors
            self.first = forecast(estimate, self.ratios)
        values = [float(estimate * r) for r in self.first.ratio_quantiles]
        return {
            "p50": values[0],
            "p80": values[1],
            "p90": values[2],
            "probabilityOverrun50Percent": self.first.probability_overrun_50,
        }


def forecast_report(
    organisation: Organisation,
    reference_class: ReferenceClass,
    *,
    seed: int | None = None,
    iterations: int = COMPUTED_FORECAST_ITERATIONS,
    include_no_longer_reported: bool = False,
    selection: ForecastSelection | None = None,
) -> dict[str, Any]:
    """Per-project and portfolio forecast as plain data (CLI, API, export). With a stored
    ``selection`` (``forecast_selection``) the portfolio is the stored forecast, read from
    its table; otherwise it is computed now. ``figures`` says which, and as of when."""
    selection = selection or ForecastSelection(seed, iterations, False)
    ratios = reference_ratios(reference_class)
    per_project = _ProjectForecasts(ratios)
    projects: list[dict[str, Any]] = []
    for project in projects_of(organisation).order_by("organisation__name", "name"):
        entry: dict[str, Any] = {
            "externalId": project.external_id,
            "name": project.name,
            "organisation": project.organisation.slug,
            "status": project.status,
            "currency": project.currency,
            "currentEstimate": float(project.current_estimate)
            if project.current_estimate is not None
            else None,
            "notReportedAfter": project.not_reported_after,
        }
        if project.current_estimate is not None:
            entry.update(per_project.of(float(project.current_estimate)))
        projects.append(entry)
    part = _portfolio_stored if selection.stored else _portfolio_computed
    portfolio, conversion, figures = part(
        organisation, reference_class, selection, include_no_longer_reported
    )
    gone = no_longer_reported_count(organisation)
    return {
        "organisation": organisation.slug,
        "referenceClass": {"name": reference_class.name, "pairs": int(len(ratios))},
        "seed": selection.seed,
        "iterations": selection.iterations,
        "projects": projects,
        "portfolio": portfolio,
        **conversion,
        "noLongerReported": {
            "count": gone,
            "included": bool(include_no_longer_reported),
            "leftOut": 0 if include_no_longer_reported else gone,
        },
        "figures": figures,
    }


DECILES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
DECILE_NAMES = tuple(f"p{round(q * 100)}" for q in DECILES)


def parts_of(project: Project, model: type[Part]) -> QuerySet[Part]:
    """The live milestones (reviews, advice, papers, benefits) of a project."""
    return model.objects.filter(project=project)


def _counted(queryset: QuerySet[ReferenceClass]) -> QuerySet[ReferenceClass]:
    return queryset.select_related("organisation").annotate(pair_count=Count("pairs"))


def reference_classes_usable(organisation: Organisation) -> QuerySet[ReferenceClass]:
    """The classes an organisation may use, each with its number of pairs."""
    return _counted(reference_classes_for(organisation)).order_by("name", "pk")


def reference_class_with_pairs(reference_class: ReferenceClass) -> ReferenceClass:
    """``reference_class`` with its number of pairs and its pairs loaded."""
    return (
        _counted(ReferenceClass.objects.filter(pk=reference_class.pk))
        .prefetch_related("pairs")
        .get()
    )


def ratio_summary(reference_class: ReferenceClass) -> dict[str, float | int | None]:
    """The deciles of the later/earlier ratios (numpy's linear quantiles), their mean, and the
    share of pairs whose later estimate is at least 1.5 times the earlier one."""
    ratios = reference_ratios(reference_class)
    summary: dict[str, float | int | None] = {
        "count": int(ratios.size),
        "mean": None,
        "share_overrun_50_percent": None,
    }
    summary |= dict.fromkeys(DECILE_NAMES)
    if ratios.size:
        summary["mean"] = float(ratios.mean())
        summary["share_overrun_50_percent"] = float(np.mean(ratios >= OVERRUN_RATIO))
        summary |= dict(zip(DECILE_NAMES, map(float, np.quantile(ratios, DECILES)), strict=True))
    return summary


# --- facets, the portfolio scatter and class choices for the pages --------------------

NO_VALUE = "none"
SCATTER_LIMIT = 2000


@dataclass(frozen=True)
class FacetCounts:
    """Per facet of the list, the number of projects per value under all *other* filters (so
    a count says what ticking that box would show), and how fresh they are."""

    counts: dict[str, dict[str, int]]
    computed_at: dt.datetime | None  # None: counted now for a search
    pending: bool = False  # a refresh is queued: the counts are of ``computed_at``


def project_facet_counts(
    organisation: Organisation, filters: ProjectFilters, *, subtree: dict[int, str] | None = None
) -> FacetCounts:
    """The facet counts of the list. Without a search they add up from the stored cells of
    the organisations in the subtree (no scan of projects); with one, from one grouped
    query over the projects that match it."""
    slugs = subtree if subtree is not None else subtree_slugs(organisation)
    if filters.search:
        searched = project_list(
            organisation,
            replace(
                filters, organisation="", status=(), cost_bucket=(), colour=(), review_advice=""
            ),
            subtree=slugs,
        )
        cells = stored.facet_cells_count(searched)
        return FacetCounts(_facets_from_cells(cells, slugs, filters), None)
    rows = stored.facet_cells_of(slugs)
    cells = [(row.organisation_id, *cell) for row in rows for cell in row.cells]
    return FacetCounts(
        _facets_from_cells(cells, slugs, filters),
        min((row.computed_at for row in rows if row.computed_at), default=None),
        any(row.pending for row in rows),
    )


def _facets_from_cells(
    cells: Iterable[tuple[Any, ...]], slugs: dict[int, str], filters: ProjectFilters
) -> dict[str, dict[str, int]]:
    """Add up cells (organisation_id, status, colour, cost_bucket, has_review_advice, n): a
    cell counts for a facet's value when it matches every filter but that facet's."""
    counts: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
    advice = {"yes": True, "no": False}.get(filters.review_advice)
    for organisation_id, status, colour, bucket, has_advice, n in cells:
        values = {
            "organisation": slugs.get(organisation_id),
            "status": status,
            "colour": colour,
            "cost_bucket": bucket,
            "review_advice": has_advice,
        }
        matches = {
            "organisation": not filters.organisation
            or values["organisation"] == filters.organisation,
            "status": not filters.status or status in filters.status,
            "colour": not filters.colour or colour in filters.colour,
            "cost_bucket": not filters.cost_bucket or bucket in filters.cost_bucket,
            "review_advice": advice is None or has_advice == advice,
        }
        failed = [name for name, ok in matches.items() if not ok]
        if len(failed) > 1 or values["organisation"] is None:
            continue
        for name in FACET_NAMES:
            if not failed or failed == [name]:
                value = _facet_value(values[name])
                counts[name][value] = counts[name].get(value, 0) + n
    return counts


FACET_NAMES = ("organisation", "status", "colour", "cost_bucket", "review_advice")


def _facet_value(value: str | bool | None) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value or NO_VALUE


def subtree_organisations(organisation: Organisation) -> list[tuple[Organisation, int]]:
    """The organisation and every live organisation below it, in tree order (siblings by
    name), with the depth below ``organisation``."""
    found = list(organisation_subtree(organisation))
    by_id = {o.pk: o for o in found}

    def names_along_path(item: Organisation) -> list[str]:
        return [by_id[i].name.lower() for i in item.ancestor_ids if i in by_id] + [
            item.name.lower()
        ]

    found.sort(key=names_along_path)
    return [(o, o.depth - organisation.depth) for o in found]


def project_figures_with_reports(
    project: Project,
) -> tuple[ProjectFigures | None, list[ProjectReport]]:
    """The figures of ``project_figures_of`` and the reports they rest on (for the
    chart over the reports), from one query."""
    reports = figures_reports(project)
    if not reports:
        return None, []
    return project_figures(project.start_date, snapshots(reports)), reports


def colour_counts(organisation: Organisation) -> dict[str, int]:
    """Projects per status colour ("none": no report yet), in one query."""
    rows = projects_of(organisation).order_by().values("colour").annotate(n=Count("pk"))
    return {row["colour"] or NO_VALUE: row["n"] for row in rows}


def currencies_of(organisation: Organisation) -> dict[str, int]:
    """Projects with an estimate per currency: the portfolio forecast adds their amounts."""
    rows = (
        projects_of(organisation)
        .filter(current_estimate__isnull=False)
        .order_by()
        .values("currency")
        .annotate(n=Count("pk"))
    )
    return {row["currency"]: row["n"] for row in rows}


@dataclass(frozen=True)
class ScatterOrganisation:
    name: str


@dataclass(frozen=True, slots=True)
class ScatterProject:
    """What the scatter, its tables and the furthest projects show of a project: read as
    plain values (building up to 2,000 model instances cost the page a third of its CPU)."""

    pk: int
    name: str
    organisation: ScatterOrganisation
    colour: str
    currency: str
    current_estimate: Decimal | None
    cost_change_pct: float
    end_date_shift_months: int


SCATTER_FIELDS = (
    "pk",
    "name",
    "organisation__name",
    "colour",
    "currency",
    "current_estimate",
    "cost_change_pct",
    "end_date_shift_months",
)


@dataclass(frozen=True)
class ScatterSet:
    """The projects of the portfolio scatter and what was left out of it."""

    projects: list[ScatterProject]
    measurable: int  # projects with two or more reports and both a cost and a date change
    single_report: int  # projects with one report: no change to show yet
    capped: bool


def portfolio_scatter(organisation: Organisation, limit: int = SCATTER_LIMIT) -> ScatterSet:
    """The projects with a change against their original baseline in both cost and end date,
    at most ``limit`` of them with the largest current estimates; three queries."""
    scope = projects_of(organisation)
    measurable = scope.filter(
        report_count__gte=2,
        cost_change_pct__isnull=False,
        end_date_shift_months__isnull=False,
    )
    organisations: dict[str, ScatterOrganisation] = {}
    projects = [
        ScatterProject(
            pk,
            name,
            organisations.setdefault(organisation, ScatterOrganisation(organisation)),
            colour,
            currency,
            estimate,
            cost,
            shift,
        )
        for pk, name, organisation, colour, currency, estimate, cost, shift in measurable.order_by(
            "-current_estimate", "pk"
        ).values_list(*SCATTER_FIELDS)[:limit]
    ]
    counted: int = measurable.order_by().aggregate(n=Count("pk"))["n"]
    single = scope.filter(report_count=1).count()
    return ScatterSet(projects, counted, single, counted > len(projects))


def reference_class_choice(
    organisation: Organisation, pk: str | int | None, *, kind: str = ReferenceClass.Kind.COST
) -> ReferenceClass | None:
    """The class with ``pk`` if the organisation may use it and it is of ``kind``, else None."""
    if pk is None:
        return None
    try:
        wanted = int(pk)
    except ValueError:
        return None
    return (
        reference_classes_for(organisation)
        .filter(Q(pk=wanted) & Q(kind=kind))
        .select_related("organisation")
        .first()
    )
