"""Formats of the board dashboard: amounts in whole euro, percentages with one decimal."""

import datetime as dt
from decimal import Decimal

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat

from omslag.common.templatetags.formatting import euro
from omslag.projects.templatetags.projects_format import money as money_of_currency

register = template.Library()


@register.filter
def money(value):
    """€ 1.234.567; — for no value."""
    return "—" if value is None else euro(value)


@register.filter
def money_in(value, currency="EUR"):
    """An amount in ``currency``: € 1.234.567 for euro, SEK 1.234.567 otherwise; — for none."""
    if value is None:
        return "—"
    return euro(value) if (currency or "EUR") == "EUR" else money_of_currency(value, currency)


@register.filter
def pct(value):
    """A percentage (0-100) with one decimal: 12,5%; — for no value."""
    return "—" if value is None else f"{floatformat(value, 1)}%"


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@register.filter
def is_list(value) -> bool:
    return isinstance(value, list | tuple | dict)


@register.filter
def cell(value):
    """A table cell: amounts in euro, numbers localised, dates written out."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return euro(value)
    if isinstance(value, float):
        return floatformat(value, 1)
    if isinstance(value, dt.date):
        return date_filter(value, "j M Y")
    return value
