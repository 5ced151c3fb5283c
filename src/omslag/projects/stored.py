"""The project figures computed once and stored (``common.stored_figures``): the list's facet
cells per organisation and portfolio forecasts. Shared by the services (which mark them
behind on a write), the tasks (which refresh them) and the selectors (which read them and,
with nothing stored yet, compute them once)."""

from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omslag.analysis.projects import PortfolioForecast, portfolio_monte_carlo
from omslag.common.errors import RuleViolation
from omslag.common.stored_figures import stored_figure_behind, stored_figure_save
from omslag.organisations.models import Organisation
from omslag.organisations.selectors import organisation_subtree

from .figures import reference_ratios
from .models import PortfolioForecastStored, Project, ProjectFacetCells, ReferenceClass
from .rates import (
    DEFAULT_REPORTING_CURRENCY,
    RateTable,
    StatedRate,
    Unconverted,
    rate_table_for,
)

FACET_FIELDS = ("status", "colour", "cost_bucket", "has_review_advice")


def facet_cells_count(queryset) -> list[tuple]:
    """``queryset``'s projects counted per organisation and facet values: one grouped query.
    Rows: (organisation_id, status, colour, cost_bucket, has_review_advice, count)."""
    rows = queryset.order_by().values("organisation_id", *FACET_FIELDS).annotate(n=Count("pk"))
    return [(r["organisation_id"], *(r[f] for f in FACET_FIELDS), r["n"]) for r in rows]


def facet_cells_store(organisation_ids) -> list[ProjectFacetCells]:
    """Count and store the facet cells of these organisations (their own projects): one
    grouped query for all of them, then one write per organisation."""
    organisation_ids = list(organisation_ids)
    existing = {
        row.organisation_id: row
        for row in ProjectFacetCells.objects.filter(organisation_id__in=organisation_ids).only(
            "pk", "organisation_id", "inputs_version"
        )
    }
    started = timezone.now()
    cells: dict[int, list] = {pk: [] for pk in organisation_ids}
    for organisation_id, *values in facet_cells_count(
        Project.objects.filter(organisation_id__in=organisation_ids)
    ):
        cells[organisation_id].append(values)
    ProjectFacetCells.objects.bulk_create(
        [
            ProjectFacetCells(
                organisation_id=pk,
                cells=cells[pk],
                inputs_version=1,
                computed_version=1,
                computed_at=started,
            )
            for pk in organisation_ids
            if pk not in existing
        ],
        ignore_conflicts=True,  # another process stored them at the same moment
    )
    for pk, row in existing.items():
        ProjectFacetCells.objects.filter(
            pk=row.pk, computed_version__lte=row.inputs_version
        ).update(cells=cells[pk], computed_version=row.inputs_version, computed_at=started)
    return list(ProjectFacetCells.objects.filter(organisation_id__in=organisation_ids))


def facet_cells_of(organisation_ids) -> list[ProjectFacetCells]:
    """The stored cells of these organisations; those not stored yet are counted now."""
    organisation_ids = list(organisation_ids)
    rows = list(ProjectFacetCells.objects.filter(organisation_id__in=organisation_ids))
    missing = set(organisation_ids) - {row.organisation_id for row in rows}
    if missing:
        rows = [r for r in rows if r.organisation_id not in missing]
        rows += facet_cells_store(missing)
    return rows


def facet_cells_refresh(organisation_ids, changed_at=None) -> None:
    """Bring the stored cells of these organisations up to their inputs (the task's work)."""
    rows = ProjectFacetCells.objects.filter(organisation_id__in=list(organisation_ids))
    ids = [row.organisation_id for row in rows if stored_figure_behind(row, changed_at)]
    if ids:
        facet_cells_store(ids)


# --- portfolio forecasts ---------------------------------------------------------------------


def forecast_scope_ids(organisation, with_children: bool) -> list[int]:
    """The organisation alone, or with every live organisation below it (the board's scope)."""
    if not with_children:
        return [organisation.pk]
    return list(organisation_subtree(organisation).values_list("pk", flat=True))


def forecast_amounts(organisation_ids, include_no_longer_reported: bool) -> list[tuple]:
    """(currency, current estimate) of the running projects a portfolio forecast adds up."""
    candidates = (
        Project.objects.filter(organisation_id__in=organisation_ids, current_estimate__isnull=False)
        .exclude(status__in=[Project.Status.COMPLETED, Project.Status.CANCELLED])
        .order_by("name", "pk")
    )
    if not include_no_longer_reported:
        candidates = candidates.filter(not_reported_after__isnull=True)
    return list(candidates.values_list("currency", "current_estimate"))


@dataclass(frozen=True)
class ForecastInputs:
    """The estimates a forecast adds, each in the reporting currency, or (``unconverted``
    not empty) the currencies without a stated rate, so that nothing is added at all."""

    estimates: list[float]
    currency: str
    rates_used: list[StatedRate]
    unconverted: list[Unconverted]

    def conversion(self) -> dict:
        return {
            "currency": self.currency,
            "rates": [rate.as_data() for rate in self.rates_used],
            "unconverted": [item.as_data() for item in self.unconverted],
        }


def forecast_inputs(organisation_ids, include_no_longer_reported: bool, table: RateTable):
    """The running projects' estimates converted with ``table``; none when a currency among
    them has no rate (an amount is never added unconverted)."""
    amounts = forecast_amounts(organisation_ids, include_no_longer_reported)
    counts = Counter(currency for currency, _estimate in amounts)
    unconverted = [
        Unconverted(currency, n)
        for currency, n in sorted(counts.items())
        if table.factor(currency) is None
    ]
    used = [table.rates[c] for c in sorted(counts) if c in table.rates]
    if unconverted:
        return ForecastInputs([], table.reporting_currency, used, unconverted)
    estimates = [float(estimate * table.factor(currency)) for currency, estimate in amounts]
    return ForecastInputs(estimates, table.reporting_currency, used, [])


def forecast_estimates(organisation_ids, include_no_longer_reported: bool) -> list:
    """The current estimates as stored (in their own currencies): only to see whether any."""
    return forecast_amounts(organisation_ids, include_no_longer_reported)


def forecast_compute(
    organisation_ids, reference_class, *, iterations, seed, include_no_longer_reported, table
) -> PortfolioForecast:
    """The Monte Carlo forecast itself; RuleViolation when there is nothing to forecast or a
    currency among the estimates has no rate."""
    inputs = forecast_inputs(organisation_ids, include_no_longer_reported, table)
    if inputs.unconverted:
        raise RuleViolation(unconverted_text(inputs.unconverted, table.reporting_currency))
    if not inputs.estimates:
        gone = not include_no_longer_reported and forecast_estimates(organisation_ids, True)
        raise RuleViolation(forecast_problem_text(NO_LONGER_REPORTED if gone else NO_ESTIMATES))
    ratios = reference_ratios(reference_class)
    return portfolio_monte_carlo(inputs.estimates, ratios, iterations=iterations, seed=seed)


NO_ESTIMATES, NO_LONGER_REPORTED, UNCONVERTED = "no-estimates", "no-longer-reported", "unconverted"


def unconverted_text(unconverted, reporting_currency: str) -> str:
    """Why amounts were not added: the currencies without a rate and their projects."""
    listed = ", ".join(
        ngettext(
            "%(currency)s (%(count)s project)", "%(currency)s (%(count)s projects)", u.projects
        )
        % {"currency": u.currency, "count": u.projects}
        for u in unconverted
    )
    return _(
        "Not added up: no exchange rate to %(reporting)s is stated for %(currencies)s. "
        "Amounts in another currency are never added unconverted; an administrator states "
        "the rate on the exchange rates page."
    ) % {"reporting": reporting_currency, "currencies": listed}


def forecast_problem_text(problem: str, conversion: dict | None = None) -> str:
    """Why there is nothing to forecast, in the language of the request."""
    if problem == UNCONVERTED and conversion:
        unconverted = [Unconverted(u["currency"], u["projects"]) for u in conversion["unconverted"]]
        return unconverted_text(unconverted, conversion["currency"])
    if problem == NO_LONGER_REPORTED:
        return _(
            "Nothing to forecast: every running project with a cost estimate is no longer "
            "reported by its register; include them to forecast anyway."
        )
    return _("Nothing to forecast: no running project of this organisation has a cost estimate.")


def _forecast_fields(key: dict) -> dict:
    organisation = Organisation.all_objects.get(pk=key["organisation_id"])
    reference_class = ReferenceClass.all_objects.get(pk=key["reference_class_id"])
    scope = forecast_scope_ids(organisation, key["with_children"])
    include = key["include_no_longer_reported"]
    table = rate_table_for(organisation)
    inputs = forecast_inputs(scope, include, table)
    if inputs.unconverted:
        return {
            "result": {"conversion": inputs.conversion()},
            "totals": b"",
            "problem": UNCONVERTED,
        }
    if not inputs.estimates:
        gone = not include and forecast_estimates(scope, True)
        problem = NO_LONGER_REPORTED if gone else NO_ESTIMATES
        return {"result": None, "totals": b"", "problem": problem}
    ratios = reference_ratios(reference_class)
    result = portfolio_monte_carlo(
        inputs.estimates, ratios, iterations=key["iterations"], seed=key["seed"]
    )
    figures = asdict(result)
    figures.pop("totals")
    return {
        "result": {**figures, "conversion": inputs.conversion()},
        "totals": np.asarray(result.totals, dtype=np.float64).tobytes(),
        "problem": "",
    }


def forecast_key(
    organisation, reference_class, *, with_children, iterations, seed, include_no_longer_reported
) -> dict:
    return {
        "organisation_id": organisation.pk,
        "with_children": bool(with_children),
        "reference_class_id": reference_class.pk,
        "include_no_longer_reported": bool(include_no_longer_reported),
        "iterations": int(iterations),
        "seed": int(seed),
    }


def forecast_stored(key: dict) -> PortfolioForecastStored:
    """The stored forecast under ``key``; computed now and stored when there is none yet."""
    found = PortfolioForecastStored.objects.filter(**key).first()
    if found is not None:
        return found
    return stored_figure_save(PortfolioForecastStored, key, lambda: _forecast_fields(key))


def forecast_result(stored: PortfolioForecastStored) -> PortfolioForecast | None:
    """The analysis core's result as stored (None: nothing to forecast or not added up)."""
    if stored.result is None or "values" not in stored.result:
        return None
    figures = dict(stored.result)
    figures.pop("conversion", None)
    figures["quantiles"] = tuple(figures["quantiles"])
    figures["values"] = tuple(figures["values"])
    return PortfolioForecast(**figures, totals=np.frombuffer(bytes(stored.totals), np.float64))


def forecast_conversion(stored: PortfolioForecastStored) -> dict:
    """The reporting currency, the rates used and the currencies without a rate of a stored
    forecast (empty lists for one stored before rates existed)."""
    found = (stored.result or {}).get("conversion") or {}
    return {
        "currency": found.get("currency", DEFAULT_REPORTING_CURRENCY),
        "rates": found.get("rates", []),
        "unconverted": found.get("unconverted", []),
    }


def forecasts_refresh(stored_ids, changed_at=None) -> None:
    """Recompute the stored forecasts with these ids that are behind their inputs."""
    for stored in PortfolioForecastStored.objects.filter(pk__in=list(stored_ids)):
        if stored_figure_behind(stored, changed_at):
            key = {name: getattr(stored, name) for name in FORECAST_KEY_FIELDS}
            stored_figure_save(PortfolioForecastStored, key, lambda key=key: _forecast_fields(key))


FORECAST_KEY_FIELDS = (
    "organisation_id",
    "with_children",
    "reference_class_id",
    "include_no_longer_reported",
    "iterations",
    "seed",
)


def forecasts_affected(organisation_ids) -> Q:
    """The stored forecasts whose scope holds projects of these organisations: each
    organisation's own, and the subtree forecasts of it and its ancestors."""
    organisations = Organisation.all_objects.filter(pk__in=list(organisation_ids))
    own, above = set(), set()
    for organisation in organisations:
        own.add(organisation.pk)
        above.update(organisation.ancestor_ids)
    return Q(organisation_id__in=own) | Q(organisation_id__in=above, with_children=True)
