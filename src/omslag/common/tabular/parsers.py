"""Cell parsers shared by the import specs: each takes the cell text and returns a value or
raises RowError with a reason a person can act on."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from ..amounts import AMOUNT_MAX_DIGITS, amount_bounded
from .importing import RowError


def choice_parser(choices):
    """Accept a choice by its value or its label (any language), in any case."""
    lookup = {}
    for value, label in choices:
        lookup[str(value).lower()] = value
        lookup[str(label).lower()] = value
        lookup[str(value).lower().replace("_", " ")] = value
        lookup[str(value).lower().replace("_", "-")] = value

    def parse(raw: str):
        value = lookup.get(raw.strip().lower())
        if value is None:
            raise RowError(
                _("unknown value; use one of: %(v)s")
                % {"v": ", ".join(str(v) for v, _l in choices)}
            )
        return value

    return parse


def email(raw: str) -> str:
    raw = raw.strip().lower()
    try:
        validate_email(raw)
    except ValidationError:
        raise RowError(_("not a valid e-mail address")) from None
    return raw


_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")


def euro_amount(raw: str, max_digits: int = AMOUNT_MAX_DIGITS) -> Decimal:
    """A non-negative amount in euro with at most two decimals that fits a column of
    ``max_digits`` digits. Accepts 1234.56, 1234,56, 1.234,56, 1,234.56, an optional € sign
    and spaces."""
    text = raw.strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if text.startswith("-"):
        raise RowError(_("the amount must not be negative"))
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in text:
        text = text.replace(",", "") if _THOUSANDS_COMMA.match(text) else text.replace(",", ".")
    elif text.count(".") > 1:
        if not _THOUSANDS_DOT.match(text):
            raise RowError(_("not an amount in euro"))
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RowError(_("not an amount in euro")) from None
    if not amount.is_finite():
        raise RowError(_("not an amount in euro"))
    if amount < 0:
        raise RowError(_("the amount must not be negative"))
    try:
        return amount_bounded(amount, max_digits=max_digits)
    except ValueError as exc:
        raise RowError(str(exc)) from None


def euro_amount_upto(max_digits: int):
    """``euro_amount`` for a column of ``max_digits`` digits (the default is 14)."""

    def parse(raw: str) -> Decimal:
        return euro_amount(raw, max_digits=max_digits)

    return parse


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")


def date(raw: str) -> dt.date:
    text = raw.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(_("not a date; write it as 2027-12-31 or 31-12-2027"))


def name_list(raw: str) -> list[str]:
    """Names separated by semicolons."""
    return [part.strip() for part in raw.split(";") if part.strip()]
