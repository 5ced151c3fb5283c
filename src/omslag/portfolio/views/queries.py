"""Reads these pages need that ``selectors.py`` does not offer yet.

Proposed for ``omslag.portfolio.selectors`` (the module is owned elsewhere); until then they
live here, written as selectors: plain queries, no request, no rendering.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from omslag.analysis.spend import find_cycles

from .. import selectors
from ..models import Application, SpendLine

CATEGORIES = ("run", "change", "innovate")


def spend_line_list(organisation, *, year=None, kind="", category="") -> QuerySet:
    """The organisation's live spend lines, newest year first, with their application."""
    lines = SpendLine.objects.filter(organisation=organisation).select_related("application")
    if year:
        lines = lines.filter(year=year)
    if kind:
        lines = lines.filter(kind=kind)
    if category:
        lines = lines.filter(category=category)
    return lines.order_by("-year", "kind", "category", "id")


def spend_years(organisation) -> list[int]:
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
    amounts: dict = field(default_factory=lambda: dict.fromkeys(CATEGORIES, Decimal("0.00")))

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal("0.00"))


def spend_line_totals(lines: QuerySet) -> list[KindTotals]:
    """Totals of ``lines`` per kind and category in one query; budget and actual are kept
    apart, because a planned and a realised amount added together describe neither."""
    totals = {kind: KindTotals(kind) for kind in ("actual", "budget")}
    rows = lines.order_by().values("kind", "category").annotate(total=Sum("amount"), n=Count("id"))
    for row in rows:
        kind_totals = totals[row["kind"]]
        kind_totals.lines += row["n"]
        kind_totals.amounts[row["category"]] += row["total"]
    return [t for t in totals.values() if t.lines]


def application_cycle(application) -> list[Application]:
    """The other applications in a dependency cycle with ``application`` (empty if none)."""
    edges = selectors.dependency_edges(application.organisation)
    for cycle in find_cycles(edges):
        if application.pk in cycle:
            return list(
                Application.objects.filter(pk__in=cycle).exclude(pk=application.pk).order_by("name")
            )
    return []
