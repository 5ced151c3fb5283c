"""Exchange rates as an organisation states them, and sums over projects in one currency.

Amounts are stored in the project's own currency. Where a sum needs one currency (the
portfolio forecast, the board's totals), each amount is converted at the rate the organisation
(or the nearest organisation above it) stated for that currency into its reporting currency;
a currency without a stated rate is never added unconverted: the sum is refused and the
currencies without a rate are named, with how many projects use them."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pycountry
from django.utils import timezone

from .models import ExchangeRate, ReportingCurrency

DEFAULT_REPORTING_CURRENCY = "EUR"


def currency_codes() -> list[str]:
    """Every currency code of ISO 4217, sorted (what the API documents as its choices)."""
    return sorted(currency.alpha_3 for currency in pycountry.currencies)


def currency_known(code: str) -> bool:
    """Whether ``code`` is a currency of ISO 4217 (three capitals)."""
    return (
        len(code) == 3
        and code.isalpha()
        and code.isupper()
        and bool(pycountry.currencies.get(alpha_3=code))
    )


@dataclass(frozen=True)
class StatedRate:
    """One unit of ``currency`` is ``rate`` units of the reporting currency."""

    currency: str
    rate: Decimal
    as_of: dt.date
    source: str
    organisation: str  # slug of the organisation that stated it

    def as_data(self) -> dict:
        return {
            "currency": self.currency,
            "rate": str(self.rate.normalize()),
            "asOf": self.as_of.isoformat(),
            "source": self.source,
            "organisation": self.organisation,
        }


@dataclass(frozen=True)
class RateTable:
    """The reporting currency of an organisation and the rate that holds for each currency."""

    reporting_currency: str
    rates: dict[str, StatedRate] = field(default_factory=dict)

    def factor(self, currency: str) -> Decimal | None:
        """What one unit of ``currency`` is in the reporting currency; None without a rate."""
        if currency == self.reporting_currency:
            return Decimal(1)
        found = self.rates.get(currency)
        return found.rate if found else None


@dataclass(frozen=True)
class Unconverted:
    currency: str
    projects: int

    def as_data(self) -> dict:
        return {"currency": self.currency, "projects": self.projects}


@dataclass(frozen=True)
class ConvertedSum:
    """A sum over amounts in several currencies: ``total`` in ``currency`` when every
    currency has a rate, else None with the currencies that have none."""

    currency: str
    total: Decimal | None
    rates_used: list[StatedRate]
    unconverted: list[Unconverted]

    @property
    def refused(self) -> bool:
        return bool(self.unconverted)


def _scope_ids(organisation) -> list[int]:
    """The organisation and those above it, nearest first."""
    return [organisation.pk, *reversed(list(organisation.ancestor_ids))]


def reporting_currency_of(organisation) -> str:
    """The organisation's reporting currency, else the nearest stated above it, else euro."""
    ids = _scope_ids(organisation)
    stated = dict(
        ReportingCurrency.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "currency"
        )
    )
    return next((stated[pk] for pk in ids if pk in stated), DEFAULT_REPORTING_CURRENCY)


def rate_table_for(organisation, on: dt.date | None = None) -> RateTable:
    """The rates that hold for the organisation on ``on`` (default today): per currency, the
    latest rate as of that day into its reporting currency, stated by the organisation itself
    or else by the nearest organisation above it. Two queries."""
    on = on or timezone.localdate()
    reporting = reporting_currency_of(organisation)
    ids = _scope_ids(organisation)
    nearness = {pk: i for i, pk in enumerate(ids)}
    rows = (
        ExchangeRate.objects.filter(
            organisation_id__in=ids, reporting_currency=reporting, as_of__lte=on
        )
        .select_related("organisation")
        .only("currency", "rate", "as_of", "source", "pk", "organisation__slug")
    )
    best: dict[str, tuple] = {}
    for row in rows:
        rank = (nearness[row.organisation_id], -row.as_of.toordinal(), -row.pk)
        if row.currency not in best or rank < best[row.currency][0]:
            best[row.currency] = (rank, row)
    return RateTable(
        reporting,
        {
            currency: StatedRate(currency, row.rate, row.as_of, row.source, row.organisation.slug)
            for currency, (_rank, row) in best.items()
        },
    )


def convert_sum(
    amounts: dict[str, Decimal], counts: dict[str, int], table: RateTable
) -> ConvertedSum:
    """Add amounts given per currency into the reporting currency; refused (total None) when
    a currency with projects has no rate. ``counts`` is the number of projects per currency."""
    unconverted = [
        Unconverted(currency, counts.get(currency, 0))
        for currency in sorted(amounts)
        if table.factor(currency) is None
    ]
    used = [table.rates[c] for c in sorted(amounts) if c in table.rates]
    if unconverted:
        return ConvertedSum(table.reporting_currency, None, used, unconverted)
    total = sum(
        (amount * table.factor(currency) for currency, amount in amounts.items()),
        Decimal(0),
    )
    return ConvertedSum(table.reporting_currency, total, used, [])


def exchange_rates_of(organisation) -> list[ExchangeRate]:
    """Every rate the organisation itself stated, latest first per currency (its history)."""
    return list(
        ExchangeRate.objects.filter(organisation=organisation)
        .select_related("stated_by")
        .order_by("currency", "-as_of", "-pk")
    )
