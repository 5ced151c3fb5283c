import datetime as dt
from decimal import Decimal

import pytest

from omslag.common.tabular.importing import RowError
from omslag.common.tabular.parsers import choice_parser, date, euro_amount, name_list


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("€ 1.234.567,89", "1234567.89"),
        ("1,234,567", "1234567"),
        ("1.234.567", "1234567"),
        ("0", "0"),
        (" 12 ", "12"),
        ("12,5", "12.5"),
    ],
)
def test_euro_amounts_in_dutch_and_english_notation(text, expected):
    assert euro_amount(text) == Decimal(expected).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    "text, reason",
    [
        ("-5", "negative"),
        ("veel", "not an amount"),
        ("1.5.5", "not an amount"),
        ("12.345", None),
        ("1.001", None),
        ("3.14159", "two decimals"),
        ("NaN", "not an amount"),
    ],
)
def test_bad_amounts(text, reason):
    if reason is None:  # 12.345 reads as a decimal with 3 places: refused as such
        with pytest.raises(RowError, match="two decimals"):
            euro_amount(text)
        return
    with pytest.raises(RowError, match=reason):
        euro_amount(text)


def test_dates():
    assert date("2027-12-31") == dt.date(2027, 12, 31)
    assert date("31-12-2027") == dt.date(2027, 12, 31)
    assert date("31/12/2027") == dt.date(2027, 12, 31)
    with pytest.raises(RowError, match="not a date"):
        date("31 december 2027")


def test_choices_by_value_or_label():
    parse = choice_parser([("run", "Run"), ("water_board", "water board")])
    assert parse("RUN") == "run" and parse("water board") == "water_board"
    assert parse("water-board") == "water_board"
    with pytest.raises(RowError, match="use one of: run, water_board"):
        parse("maintenance")


def test_name_list():
    assert name_list(" A ; B;;C ") == ["A", "B", "C"]
