"""Number formats that pages of several apps use: euro, shares, percentages and percentage
points, in the reader's language (1.234.567 in Dutch, 1,234,567 in English). Load with
``{% load formatting %}``."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def number(value, decimals: int) -> str:
    # Round first: number_format cuts off the digits beyond ``decimals`` (11.36 → 11.3).
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def euro(value, decimals=0):
    """€ 1.234.567 (whole euro unless told otherwise); empty for no value."""
    if value is None or value == "":
        return ""
    return "€\u00a0" + number(Decimal(value), int(decimals))


@register.filter
def share(value, decimals=1):
    """A share from 0 to 1 as a percentage: 0.684 → 68,4%."""
    if value is None:
        return "—"
    return number(float(value) * 100, int(decimals)) + "%"


@register.filter
def percent(value, decimals=1):
    """A number that already is a percentage: 65 → 65,0%."""
    if value is None:
        return "—"
    return number(float(value), int(decimals)) + "%"


@register.filter
def points(value, decimals=1):
    """Percentage points with their sign: +3,4 or −1,2."""
    if value is None:
        return "—"
    value = float(value)
    text = number(abs(value), int(decimals))
    if round(value, int(decimals)) == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text
