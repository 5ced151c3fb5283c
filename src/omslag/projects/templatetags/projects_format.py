"""Number formats of the project pages in the reader's language: money with its currency,
signed percentages and months, ratios, and the national dashboard's size bands."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _number(value, decimals: int) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def money(value, currency="EUR"):
    """€ 1.234.567 for euro, CAD 1.234.567 for another currency; a dash for no value."""
    if value is None or value == "":
        return "—"
    sign = "\u2212" if Decimal(value) < 0 else ""
    symbol = "€" if (currency or "EUR") == "EUR" else currency
    return f"{sign}{symbol}\u00a0{_number(abs(Decimal(value)), 0)}"


@register.filter
def signed_money(value, currency="EUR"):
    """+€ 1.234.567 or −€ 1.234.567 (a change)."""
    if value is None or value == "":
        return "—"
    text = money(abs(Decimal(value)), currency)
    if Decimal(value) == 0:
        return text
    return ("+" if Decimal(value) > 0 else "\u2212") + text


@register.filter
def millions(value, decimals=1):
    """An amount in millions: 29.400.000 → 29,4."""
    if value is None:
        return "—"
    return _number(float(value) / 1e6, int(decimals))


@register.filter
def signed_percent(value, decimals=1):
    """+38,0% or −4,2%; a dash for no value."""
    if value is None:
        return "—"
    value = float(value)
    text = _number(abs(value), int(decimals)) + "%"
    if round(value, int(decimals)) == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text


@register.filter
def plain_percent(value, decimals=0):
    """A share from 0 to 1 as a percentage: 0.283 → 28%."""
    if value is None:
        return "—"
    return _number(float(value) * 100, int(decimals)) + "%"


@register.filter
def signed_months(value):
    """+14 months, −2 months, 0 months."""
    if value is None:
        return "—"
    value = int(value)
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
    return sign + ngettext("%(n)s month", "%(n)s months", abs(value)) % {"n": abs(value)}


@register.filter
def signed_number(value):
    """+15, −2 or 0; a dash for no value."""
    if value is None:
        return "—"
    value = int(value)
    return ("+" if value > 0 else "\u2212" if value < 0 else "") + _number(abs(value), 0)


@register.filter
def ratio(value, decimals=2):
    """A later/earlier ratio: 1,23."""
    if value is None:
        return "—"
    return _number(float(value), int(decimals))


@register.filter
def size_band(bucket):
    """A cost bucket of the national dashboard ("10-20", "100+") as words."""
    if not bucket:
        return _("no estimate yet")
    if bucket.endswith("+"):
        return _("%(low)s million or more") % {"low": bucket[:-1]}
    low, high = bucket.split("-")
    return _("%(low)s to %(high)s million") % {"low": low, "high": high}


@register.filter
def shift_bucket(bucket):
    """The national dashboard's end-date shift bucket in words."""
    return {
        "earlier": _("earlier"),
        "unchanged": _("unchanged"),
        "later_up_to_1_year": _("up to a year later"),
        "later_over_1_year": _("more than a year later"),
    }.get(bucket or "", "—")
