"""The bounds of an amount of money, checked in the one place that imports and the API share,
so that an amount either fits its database column exactly or is refused with a reason
(PostgreSQL would fail on a wider value and SQLite would silently round it)."""

from decimal import Decimal

from django.utils.translation import gettext as _

# The amount columns of the registers: numeric(14, 2), up to 999,999,999,999.99 euro.
AMOUNT_MAX_DIGITS = 14
AMOUNT_DECIMAL_PLACES = 2
# SQLite keeps a decimal as a double, exact to 15 significant digits: wider columns (projects'
# numeric(16, 2)) take at most that many, so both databases store the same value exactly.
EXACT_DIGITS = 15


def amount_largest(max_digits: int, decimal_places: int = AMOUNT_DECIMAL_PLACES) -> Decimal:
    return Decimal(10) ** (max_digits - decimal_places) - Decimal(10) ** -decimal_places


def amount_bounded(
    amount: Decimal,
    *,
    max_digits: int = AMOUNT_MAX_DIGITS,
    decimal_places: int = AMOUNT_DECIMAL_PLACES,
) -> Decimal:
    """``amount`` with exactly ``decimal_places``; ValueError (a reason for people) when it is
    not a finite number, has more decimals, or is wider than ``max_digits`` digits."""
    max_digits = min(max_digits, EXACT_DIGITS)
    if not amount.is_finite():
        raise ValueError(_("not a number"))
    if amount != 0 and amount.adjusted() >= max_digits - decimal_places:
        raise ValueError(
            _("the amount is too large; at most %(largest)s")
            % {"largest": f"{amount_largest(max_digits, decimal_places):,}"}
        )
    step = Decimal(10) ** -decimal_places
    # The integer part is bounded above, so this quantize cannot overflow the context.
    if amount != amount.quantize(step):
        raise ValueError(
            _("at most two decimals (whole cents)")
            if decimal_places == 2
            else _("at most %(n)s decimals") % {"n": decimal_places}
        )
    return amount.quantize(step)
