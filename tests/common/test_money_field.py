"""Money fields accept the notation the pages show: Dutch in Dutch, English in English."""

from decimal import Decimal

import pytest
from django.utils import translation

from omslag.common.forms import MoneyField, money_parse


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.234,56", "1234.56"),
        ("€ 2.500", "2500"),
        ("€\u00a01.250.000,50", "1250000.50"),
        ("2500 EUR", "2500"),
        ("1250000,50", "1250000.50"),
        ("1250000", "1250000"),
        ("12.5", "12.5"),  # not a thousands group: a decimal point, as in files
        ("-250.000", "-250000"),
        ("− 1.000,5", "-1000.5"),
        ("0,07", "0.07"),
    ],
)
def test_dutch_notation(text, expected):
    assert money_parse(text, ",") == Decimal(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,234.56", "1234.56"),
        ("€2,500", "2500"),
        ("1,250,000.50", "1250000.50"),
        ("1250000.50", "1250000.50"),
        ("2.500", "2.5"),
        ("-250,000", "-250000"),
    ],
)
def test_english_notation(text, expected):
    assert money_parse(text, ".") == Decimal(expected)


@pytest.mark.parametrize(
    "text, separator",
    [
        ("1.23,4", ","),  # wrongly grouped
        ("1,234.56", ","),  # English in Dutch
        ("1.234,56", "."),  # Dutch in English
        ("1250000,50", "."),
        ("veel", ","),
        ("€", ","),
        ("1,2,3", "."),
    ],
)
def test_what_is_not_an_amount(text, separator):
    with pytest.raises(ValueError):
        money_parse(text, separator)


def test_the_field_reads_the_active_language():
    field = MoneyField(max_digits=14, decimal_places=2)
    with translation.override("nl"):
        assert field.clean("€ 1.234,56") == Decimal("1234.56")
    with translation.override("en"):
        assert field.clean("€ 1,234.56") == Decimal("1234.56")
        with pytest.raises(Exception, match="Enter an amount"):
            field.clean("1.234,56")
    assert 'inputmode="decimal"' in str(field.widget.render("amount", None))


# Percentages, and an exchange rate (a ratio of twelve decimals, not an amount).
NOT_MONEY = {"innovate_min_percent", "run_max_percent", "rate"}


def test_every_money_field_of_every_form_is_a_money_field():
    import importlib
    import inspect

    from django import forms
    from django.apps import apps

    checked = []
    for app in apps.get_app_configs():
        if not app.name.startswith("omslag."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field, forms.DecimalField) and field_name not in NOT_MONEY:
                    checked.append(f"{form.__name__}.{field_name}")
                    assert isinstance(field, MoneyField), f"{form.__name__}.{field_name}"
    assert {"SpendLineForm.amount", "ReportForm.total_cost_estimate"} <= set(checked), checked
