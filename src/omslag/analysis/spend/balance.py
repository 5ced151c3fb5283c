"""Run / change / innovate balance: shares per year, their trend and the gap to a target.

Money is ``Decimal`` in euro with at most two decimals; shares are floats between 0 and 1;
trends and gaps are in percentage points. Every input error is a ``ValueError`` that names the
field and the value, so a service can show it as a form error.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import Literal

import numpy as np

Category = Literal["run", "change", "innovate"]
Kind = Literal["budget", "actual"]
Bound = Literal["min", "max"]
CATEGORIES: tuple[Category, ...] = ("run", "change", "innovate")
KINDS: tuple[Kind, ...] = ("budget", "actual")

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Guards against typos such as 20277; wide enough for any real register.
YEAR_MIN = 1900
YEAR_MAX = 2200


def check_year(name: str, value: object) -> int:
    """Return ``value`` if it is a plausible calendar year, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
        raise ValueError(f"{name} must be a year from {YEAR_MIN} to {YEAR_MAX}, got {value!r}")
    return value


def check_money(name: str, value: object, *, allow_negative: bool = False) -> Decimal:
    """Return ``value`` if it is a finite euro ``Decimal`` in whole cents, else raise."""
    if not isinstance(value, Decimal):
        # float money is how cents go missing; make the caller convert deliberately.
        raise ValueError(f"{name} must be a Decimal amount in euro, got {value!r}")
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite amount, got {value!r}")
    if value != value.quantize(CENT):
        raise ValueError(f"{name} must be in whole cents (2 decimals), got {value!r}")
    if value < 0 and not allow_negative:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return value


def _check_share(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a share from 0 to 1 (0.10 = 10%), got {value!r}")
    return float(value)


@dataclass(frozen=True, slots=True)
class SpendItem:
    """One spend line: an amount in a year, budget or actual, in one category."""

    year: int
    amount: Decimal
    kind: Kind
    category: Category

    def __post_init__(self) -> None:
        check_year("year", self.year)
        check_money("amount", self.amount)
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.category not in CATEGORIES:
            raise ValueError(
                f"category must be one of {', '.join(CATEGORIES)}, got {self.category!r}"
            )


@dataclass(frozen=True, slots=True)
class SpendSplit:
    """Amounts per category for one year and kind, with their total and shares."""

    run: Decimal = ZERO
    change: Decimal = ZERO
    innovate: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.run + self.change + self.innovate

    def amount(self, category: Category) -> Decimal:
        if category == "run":
            return self.run
        if category == "change":
            return self.change
        if category == "innovate":
            return self.innovate
        raise ValueError(f"category must be one of {', '.join(CATEGORIES)}, got {category!r}")

    def share(self, category: Category) -> float:
        """Share of the total; 0.0 when the total is 0 (no spend is no share, not an error)."""
        amount, total = self.amount(category), self.total
        return float(amount / total) if total else 0.0

    @property
    def run_share(self) -> float:
        return self.share("run")

    @property
    def change_share(self) -> float:
        return self.share("change")

    @property
    def innovate_share(self) -> float:
        return self.share("innovate")


@dataclass(frozen=True, slots=True)
class YearBalance:
    """The budget and the actual split of one year."""

    year: int
    budget: SpendSplit
    actual: SpendSplit

    def split(self, kind: Kind) -> SpendSplit:
        if kind == "budget":
            return self.budget
        if kind == "actual":
            return self.actual
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")

    @property
    def preferred_kind(self) -> Kind:
        """``actual`` when the year has any actual spend, else ``budget``."""
        return "actual" if self.actual.total else "budget"


def roll_up(*item_lists: Iterable[SpendItem]) -> list[SpendItem]:
    """Combine the spend of several organisations (e.g. a ministry and its agencies)."""
    return list(chain.from_iterable(item_lists))


def balance_by_year(items: Iterable[SpendItem]) -> list[YearBalance]:
    """Sum spend per year, kind and category in one pass; sorted by year."""
    sums: dict[tuple[int, str, str], Decimal] = {}
    get = sums.get
    for item in items:
        key = (item.year, item.kind, item.category)
        sums[key] = get(key, ZERO) + item.amount
    years = sorted({year for year, _, _ in sums})

    def split(year: int, kind: Kind) -> SpendSplit:
        run, change, innovate = (get((year, kind, c), ZERO).quantize(CENT) for c in CATEGORIES)
        return SpendSplit(run=run, change=change, innovate=innovate)

    return [YearBalance(year, split(year, "budget"), split(year, "actual")) for year in years]


def share_trend(balances: Sequence[YearBalance], category: Category, kind: Kind) -> float | None:
    """Least-squares slope of a category's share, in percentage points per year.

    Years without spend of ``kind`` are left out (a missing year is not a 0% share); ``None``
    when fewer than two years remain.
    """
    points = [
        (balance.year, balance.split(kind).share(category) * 100.0)
        for balance in balances
        if balance.split(kind).total
    ]
    if len({year for year, _ in points}) < 2:
        return None
    x, y = np.array(points, dtype=np.float64).T
    dx = x - x.mean()
    return float(np.dot(dx, y - y.mean()) / np.dot(dx, dx))


@dataclass(frozen=True, slots=True)
class Target:
    """Share bounds an organisation wants to reach by ``year`` (0.10 means 10%)."""

    year: int
    innovate_min_share: float | None = None
    run_max_share: float | None = None
    change_min_share: float | None = None
    change_max_share: float | None = None

    def __post_init__(self) -> None:
        check_year("target year", self.year)
        for field, _, _ in self._fields():
            _check_share(field, getattr(self, field))
        if not self.bounds():
            raise ValueError("a target needs at least one bound")
        low, high = self.change_min_share, self.change_max_share
        if low is not None and high is not None and low > high:
            raise ValueError(f"change_min_share {low} is above change_max_share {high}")

    @staticmethod
    def _fields() -> tuple[tuple[str, Category, Bound], ...]:
        return (
            ("innovate_min_share", "innovate", "min"),
            ("run_max_share", "run", "max"),
            ("change_min_share", "change", "min"),
            ("change_max_share", "change", "max"),
        )

    def bounds(self) -> list[tuple[Category, Bound, float]]:
        """The bounds that are set, as (category, "min"/"max", share)."""
        found = []
        for field, category, bound in self._fields():
            share = getattr(self, field)
            if share is not None:
                found.append((category, bound, float(share)))
        return found


@dataclass(frozen=True, slots=True)
class BoundGap:
    """How one share compares with one bound of the target.

    ``difference_points`` and ``difference_amount`` are actual minus target (negative is below
    the bound); the amount is what would have to move between categories at the same total.
    """

    category: Category
    bound: Bound
    target_share: float
    actual_share: float
    difference_points: float
    difference_amount: Decimal
    met: bool

    @property
    def points_to_close(self) -> float:
        """Percentage points the share must move to meet the bound; 0 when met."""
        return 0.0 if self.met else abs(self.difference_points)

    @property
    def amount_to_close(self) -> Decimal:
        """Euro to shift into (min) or out of (max) the category to meet the bound; 0 if met."""
        return ZERO if self.met else abs(self.difference_amount)


@dataclass(frozen=True, slots=True)
class TargetGap:
    """A year's split against a target; ``kind`` is None for a scenario projection."""

    year: int
    kind: Kind | None
    target: Target
    bounds: tuple[BoundGap, ...]

    @property
    def met(self) -> bool:
        return all(bound.met for bound in self.bounds)


def split_gap(split: SpendSplit, target: Target) -> tuple[BoundGap, ...]:
    """Compare a split with each bound of a target; exact in Decimal, reported as floats."""
    total = split.total
    gaps = []
    for category, bound, share in target.bounds():
        amount = split.amount(category)
        # Decimal(str(0.1)) is exactly 0.1; comparing in Decimal keeps a bound of 10% met by
        # exactly 10% of the total, which float rounding could otherwise miss.
        target_amount = Decimal(str(share)) * total
        difference = amount - target_amount
        # With no spend at all every share is 0, which meets only a floor of 0.
        floor_met = difference >= 0 if total else share == 0
        met = floor_met if bound == "min" else difference <= 0
        gaps.append(
            BoundGap(
                category=category,
                bound=bound,
                target_share=share,
                actual_share=split.share(category),
                difference_points=float(difference / total * 100) if total else -share * 100,
                difference_amount=difference.quantize(CENT),
                met=met,
            )
        )
    return tuple(gaps)


def gap_to_target(year_balance: YearBalance, target: Target, kind: Kind | None = None) -> TargetGap:
    """Gap between a year's balance and a target, using ``kind`` (default: actual if any)."""
    used = kind if kind is not None else year_balance.preferred_kind
    split = year_balance.split(used)
    return TargetGap(year_balance.year, used, target, split_gap(split, target))
