"""Scenarios: planned changes projected year by year onto the run / change / innovate balance.

The baseline is the base year's split, held flat (constant prices, no indexation): the base
year's actual spend when it has any, else its budget. Each change then adds to or takes from
one category "from a year on" (or for a range of years). A change dated before the first
projected year applies from the first projected year; a change dated after the horizon is an
error, because it would silently do nothing. See docs/analysis-spend.md.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from .balance import (
    CATEGORIES,
    CENT,
    ZERO,
    Category,
    Kind,
    SpendItem,
    SpendSplit,
    Target,
    TargetGap,
    check_money,
    check_year,
    split_gap,
)

DEFAULT_YEARS = 10


def _euro(amount: Decimal) -> str:
    return f"€{amount:,.2f}"


@dataclass(frozen=True, slots=True)
class RetireApplication:
    """Stop running an application: run drops by its run cost (and rises by the run cost of
    its replacement, if any) from ``from_year`` on."""

    application_id: str | int
    from_year: int
    run_cost: Decimal
    replacement_run_cost: Decimal = ZERO

    def __post_init__(self) -> None:
        check_year("from_year", self.from_year)
        check_money("run_cost", self.run_cost)
        check_money("replacement_run_cost", self.replacement_run_cost)

    def describe(self) -> str:
        return f"retire application {self.application_id!r} from {self.from_year}"

    def effect(self, year: int) -> dict[Category, Decimal]:
        if year < self.from_year:
            return {}
        return {"run": self.replacement_run_cost - self.run_cost}


@dataclass(frozen=True, slots=True)
class StartProject:
    """A project that costs ``annual_change_cost`` in every year from ``from_year`` to
    ``to_year``, both included."""

    from_year: int
    to_year: int
    annual_change_cost: Decimal
    project_id: str | int | None = None

    def __post_init__(self) -> None:
        check_year("from_year", self.from_year)
        check_year("to_year", self.to_year)
        if self.to_year < self.from_year:
            raise ValueError(f"to_year {self.to_year} is before from_year {self.from_year}")
        check_money("annual_change_cost", self.annual_change_cost)

    def describe(self) -> str:
        name = f" {self.project_id!r}" if self.project_id is not None else ""
        return f"start project{name} {self.from_year}-{self.to_year}"

    def effect(self, year: int) -> dict[Category, Decimal]:
        if not self.from_year <= year <= self.to_year:
            return {}
        return {"change": self.annual_change_cost}


@dataclass(frozen=True, slots=True)
class StopProject:
    """End a project that is in the baseline: change drops by its annual cost from
    ``from_year`` on."""

    from_year: int
    annual_change_cost: Decimal
    project_id: str | int | None = None

    def __post_init__(self) -> None:
        check_year("from_year", self.from_year)
        check_money("annual_change_cost", self.annual_change_cost)

    def describe(self) -> str:
        name = f" {self.project_id!r}" if self.project_id is not None else ""
        return f"stop project{name} from {self.from_year}"

    def effect(self, year: int) -> dict[Category, Decimal]:
        if year < self.from_year:
            return {}
        return {"change": -self.annual_change_cost}


@dataclass(frozen=True, slots=True)
class ChangeInnovateBudget:
    """Grow (``delta`` > 0) or shrink (``delta`` < 0) innovate from ``from_year`` on."""

    from_year: int
    delta: Decimal

    def __post_init__(self) -> None:
        check_year("from_year", self.from_year)
        check_money("delta", self.delta, allow_negative=True)

    def describe(self) -> str:
        return f"change innovate budget by {_euro(self.delta)} from {self.from_year}"

    def effect(self, year: int) -> dict[Category, Decimal]:
        if year < self.from_year:
            return {}
        return {"innovate": self.delta}


ScenarioChange = RetireApplication | StartProject | StopProject | ChangeInnovateBudget


@dataclass(frozen=True, slots=True)
class ProjectedYear:
    """One projected year: amounts and shares, and the gap to the target if one was given."""

    year: int
    split: SpendSplit
    target_gap: TargetGap | None


@dataclass(frozen=True, slots=True)
class ScenarioProjection:
    """A scenario projected onto the baseline for each year of the horizon."""

    base_year: int
    baseline_kind: Kind
    baseline: SpendSplit
    years: tuple[ProjectedYear, ...]
    target: Target | None
    first_year_target_met: int | None

    def year(self, year: int) -> ProjectedYear:
        for projected in self.years:
            if projected.year == year:
                return projected
        raise KeyError(
            f"{year} is outside the projection {self.years[0].year}-{self.years[-1].year}"
        )


def scenario_baseline(items: Iterable[SpendItem], base_year: int) -> tuple[Kind, SpendSplit]:
    """The base year's split and which kind it is: actual if the year has any, else budget."""
    check_year("base_year", base_year)
    sums: dict[tuple[str, str], Decimal] = {}
    for item in items:
        if item.year == base_year:
            key = (item.kind, item.category)
            sums[key] = sums.get(key, ZERO) + item.amount
    if not sums:
        raise ValueError(f"no spend (actual or budget) in base year {base_year}")
    kind: Kind = "actual" if any(key[0] == "actual" for key in sums) else "budget"
    run, change, innovate = (sums.get((kind, c), ZERO).quantize(CENT) for c in CATEGORIES)
    return kind, SpendSplit(run=run, change=change, innovate=innovate)


def _project_split(
    baseline: SpendSplit, changes: Sequence[ScenarioChange], year: int
) -> SpendSplit:
    amounts = {category: baseline.amount(category) for category in CATEGORIES}
    for change in changes:
        for category, delta in change.effect(year).items():
            amounts[category] += delta
    for category, amount in amounts.items():
        if amount < 0:
            lowering = [
                change.describe()
                for change in changes
                if change.effect(year).get(category, ZERO) < 0
            ]
            raise ValueError(
                f"{'; '.join(lowering)}: makes {category} spend negative in {year} "
                f"({_euro(amount)}, baseline {_euro(baseline.amount(category))})"
            )
    return SpendSplit(run=amounts["run"], change=amounts["change"], innovate=amounts["innovate"])


def _project(
    baseline_kind: Kind,
    baseline: SpendSplit,
    changes: Sequence[ScenarioChange],
    base_year: int,
    years: int,
    target: Target | None,
) -> ScenarioProjection:
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ValueError(f"years must be a whole number >= 1, got {years!r}")
    first, last = base_year + 1, base_year + years
    for change in changes:
        if change.from_year > last:
            raise ValueError(
                f"{change.describe()}: from_year {change.from_year} is after the last "
                f"projected year {last}"
            )
    projected = []
    for year in range(first, last + 1):
        split = _project_split(baseline, changes, year)
        gap = TargetGap(year, None, target, split_gap(split, target)) if target else None
        projected.append(ProjectedYear(year, split, gap))
    met = [p.year for p in projected if p.target_gap is not None and p.target_gap.met]
    return ScenarioProjection(
        base_year=base_year,
        baseline_kind=baseline_kind,
        baseline=baseline,
        years=tuple(projected),
        target=target,
        first_year_target_met=met[0] if met else None,
    )


def project_scenario(
    baseline_items: Iterable[SpendItem],
    changes: Sequence[ScenarioChange],
    base_year: int,
    years: int = DEFAULT_YEARS,
    target: Target | None = None,
) -> ScenarioProjection:
    """Project ``changes`` onto the base year's split for ``years`` years after ``base_year``."""
    kind, baseline = scenario_baseline(baseline_items, base_year)
    return _project(kind, baseline, changes, base_year, years, target)


K = TypeVar("K", bound=Hashable)


def compare_scenarios(
    baseline_items: Iterable[SpendItem],
    scenarios: Mapping[K, Sequence[ScenarioChange]],
    base_year: int,
    years: int = DEFAULT_YEARS,
    target: Target | None = None,
) -> dict[K, ScenarioProjection]:
    """Project several scenarios onto the same baseline, in the order given, keyed as given
    (a name, or a caller's own key such as a sentinel for 'no change')."""
    kind, baseline = scenario_baseline(baseline_items, base_year)
    projections = {}
    for name, changes in scenarios.items():
        try:
            projections[name] = _project(kind, baseline, changes, base_year, years, target)
        except ValueError as error:
            raise ValueError(f"scenario {name!r}: {error}") from error
    return projections
