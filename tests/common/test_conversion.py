"""The declarative conversion of another system's register: amounts in other notations and
units, dates in other formats and time zones, value maps, blanks, one row into several
records; problems name the file's row and column; a bad conversion says where it is wrong."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omslag.common.tabular.conversion import Conversion, ConversionInvalid
from omslag.common.tabular.formats import Table

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "conversions"


def convert(conversion: dict, headers: list[str], *rows: list[str]):
    problems = []
    table = Table(headers, iter(enumerate(rows, start=2)), "csv")
    out = Conversion.from_dict(conversion).apply(table, problems.append)
    return out.headers, list(out.rows), problems


def one(rule: dict, raw: str) -> str:
    _headers, rows, problems = convert({"columns": {"X": {"to": "x", **rule}}}, ["X"], [raw])
    assert problems == [], problems
    return rows[0][1][0]


@pytest.mark.parametrize(
    ("rule", "raw", "value"),
    [
        ({"decimal": ",", "thousands": "."}, "1.234.567,89", Decimal("1234567.89")),
        ({"decimal": ",", "thousands": "."}, "€ 2.500", Decimal("2500")),
        ({"decimal": ".", "thousands": ","}, "$6,279,429", Decimal("6279429")),
        ({"decimal": ".", "thousands": ","}, "(1,000.50)", Decimal("-1000.50")),
        ({"decimal": ",", "multiply": "1000000"}, "3,25", Decimal("3250000")),
        ({"multiply": "1000"}, "17.5 k€", Decimal("17500")),
        ({"decimal": ",", "thousands": " "}, "12 345,6", Decimal("12345.6")),
    ],
)
def test_amounts_in_other_notations_and_units(rule, raw, value):
    assert Decimal(one(rule, raw)) == value


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    st.sampled_from([(",", "."), (".", ","), (",", " "), (".", "")]),
    st.sampled_from(["1", "1000", "1000000"]),
)
def test_any_amount_written_in_a_notation_converts_back(value, separators, multiply):
    decimal, thousands = separators
    whole, fraction = f"{abs(value):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", thousands or "")
    written = ("-" if value < 0 else "") + groups + decimal + fraction
    rule = {"decimal": decimal, "thousands": thousands, "multiply": multiply}
    assert Decimal(one(rule, written)) == value * int(multiply)


@pytest.mark.parametrize(
    ("rule", "raw", "date"),
    [
        ({"date": "%d-%m-%Y"}, "31-03-2026", dt.date(2026, 3, 31)),
        ({"date": "%B %d, %Y"}, "December 1, 2016", dt.date(2016, 12, 1)),
        # 23:30 at UTC-5 is 04:30 UTC the next day, 06:30 in Amsterdam (summer time).
        ({"date": "iso8601"}, "2025-03-31T23:30:00-05:00", dt.date(2025, 4, 1)),
        # 23:30 UTC on New Year's Eve is 00:30 in Amsterdam (winter time): the next year.
        ({"date": "iso8601"}, "2025-12-31T23:30:00Z", dt.date(2026, 1, 1)),
        ({"date": "iso8601"}, "2025-06-30", dt.date(2025, 6, 30)),
    ],
)
def test_dates_in_other_formats_and_time_zones(rule, raw, date):
    assert one(rule, raw) == date.isoformat()


def test_a_date_time_in_another_conversion_time_zone():
    conversion = {
        "timezone": "America/Toronto",
        "columns": {"When": {"to": "peildatum", "date": "iso8601"}},
    }
    # 02:00 UTC on 1 April is 22:00 on 31 March in Toronto (UTC-4 in summer time).
    _h, rows, _p = convert(conversion, ["When"], ["2025-04-01T02:00:00+00:00"])
    assert rows == [(2, ["2025-03-31"])]


def test_value_map_blanks_and_ignored_columns():
    conversion = {
        "columns": {
            "Status": {"to": "status", "values": {"Lopend": "in_progress", "Klaar": "completed"}},
            "Eigenaar": {"to": None},
            "Valuta": {"to": "currency", "blank": "EUR"},
            "Opmerking": {"to": "notes"},
        }
    }
    headers, rows, problems = convert(
        conversion,
        ["Status", "Eigenaar", "Valuta", "Opmerking"],
        [" lopend ", "Jan", "", ""],
        ["KLAAR", "Piet", "CAD", "x"],
    )
    assert problems == []
    assert headers == ["status", "currency", "notes"]
    assert rows == [(2, ["in_progress", "EUR", ""]), (3, ["completed", "CAD", "x"])]


def test_a_cell_that_does_not_convert_is_a_problem_with_the_files_row_and_column():
    conversion = {
        "columns": {
            "Budget": {"to": "total_cost_estimate", "decimal": ","},
            "Status": {"to": "status", "values": {"Lopend": "in_progress"}},
            "Einde": {"to": "estimated_end_date", "date": "%d-%m-%Y"},
        }
    }
    _h, rows, problems = convert(
        conversion,
        ["Budget", "Status", "Einde"],
        ["1,5", "Lopend", "31-12-2026"],
        ["veel", "Gestopt", "2026-12-31"],
        ["2.5", "Lopend", "01-01-2027"],
    )
    assert [row for row, _values in rows] == [2]  # the bad rows are left out, not half-used
    found = {(p.row, p.column) for p in problems}
    assert found == {(3, "Budget"), (3, "Status"), (3, "Einde"), (4, "Budget")}
    status = next(p for p in problems if p.column == "Status")
    assert "Gestopt" in status.reason and "Lopend" in status.reason
    assert "comma" in next(p for p in problems if p.row == 4).reason


def test_a_column_the_file_lacks_is_named():
    _h, rows, problems = convert({"columns": {"Budget": {"to": "x"}}}, ["Bedrag"], ["1"])
    assert rows == [] and [(p.row, p.column) for p in problems] == [(1, "Budget")]


ONE_ROW_PER_PROJECT = {
    "currency": "CAD",
    "columns": {
        "Project ID": {"to": "external_id"},
        "Name": {"to": "name"},
        "Start": {"to": "start_date", "date": "iso8601"},
        "Planned cost (M)": {"to": "planned_cost", "multiply": "1000000"},
        "Planned end": {"to": "planned_end", "date": "iso8601"},
        "Current cost (M)": {"to": "current_cost", "multiply": "1000000"},
        "Projected end": {"to": "projected_end", "date": "iso8601"},
        "As of": {"to": "as_of", "date": "iso8601"},
    },
    "records": [
        {
            "name": "baseline",
            "fields": {
                "external_id": "external_id",
                "name": "name",
                "peildatum": "start_date",
                "total_cost_estimate": "planned_cost",
                "estimated_end_date": "planned_end",
            },
            "fixed": {"is_rebaseline": "no"},
        },
        {
            "name": "current",
            "fields": {
                "external_id": "external_id",
                "name": "name",
                "peildatum": "as_of",
                "total_cost_estimate": "current_cost",
                "estimated_end_date": "projected_end",
            },
        },
    ],
}


def test_one_row_becomes_a_baseline_and_a_current_report():
    headers, rows, problems = convert(
        ONE_ROW_PER_PROJECT,
        [
            "Project ID",
            "Name",
            "Start",
            "Planned cost (M)",
            "Planned end",
            "Current cost (M)",
            "Projected end",
            "As of",
        ],
        [
            "P-7",
            "Portal",
            "2022-04-01T00:00:00-04:00",
            "12.5",
            "2024-03-31",
            "19.75",
            "2025-09-30T00:00:00-04:00",
            "2025-06-30T12:00:00-04:00",
        ],
    )
    assert problems == []
    assert headers == [
        "external_id",
        "name",
        "peildatum",
        "total_cost_estimate",
        "estimated_end_date",
        "is_rebaseline",
    ]
    (row_a, baseline), (row_b, current) = rows
    assert row_a == row_b == 2
    # Midnight at UTC-4 is 06:00 in Amsterdam on the same day.
    assert baseline[2:5] == ["2022-04-01", str(Decimal("12.5") * 1000000), "2024-03-31"]
    assert Decimal(current[3]) == Decimal("19750000")
    assert current[2] == "2025-06-30" and baseline[5] == "no" and current[5] == ""


@pytest.mark.parametrize(
    ("conversion", "where"),
    [
        ({"columns": {"Budget": {"decimal": ";"}}}, "columns › Budget › decimal"),
        ({"columns": {"Budget": {"multiply": "1e6"}}}, "columns › Budget › multiply"),
        ({"columns": {"Budget": {"date": "dd-mm-yyyy"}}}, "columns › Budget › date"),
        ({"columns": {"B": {"decimal": ",", "thousands": ","}}}, "columns › B › thousands"),
        ({"columns": {"B": {"to": "x"}}, "currency": "euro"}, "currency"),
        ({"columns": {"B": {"to": "x"}}, "timezone": "Mars/Olympus"}, "timezone"),
        ({"columns": {"A": {"to": "x"}, "B": {"to": "x"}}}, "columns"),
        (
            {"columns": {"A": {"to": "x"}}, "records": [{"fields": {"y": "z"}}]},
            "records › 0 › fields",
        ),
        ({"columns": {}}, "columns"),
        ({"columns": {"A": {"to": "x", "colour": "red"}}}, "columns › A"),
    ],
)
def test_a_bad_conversion_says_where(conversion, where):
    with pytest.raises(ConversionInvalid) as caught:
        Conversion.from_dict(conversion)
    assert caught.value.where == where


def test_a_conversion_survives_its_own_round_trip():
    conversion = Conversion.from_dict(ONE_ROW_PER_PROJECT)
    assert Conversion.from_dict(conversion.to_dict()) == conversion
    assert conversion.to_dict()["currency"] == "CAD"
    shipped = json.loads((EXAMPLES / "one-row-per-project.json").read_text())
    conversion = Conversion.from_dict(shipped)
    assert Conversion.from_dict(conversion.to_dict()) == conversion
    assert conversion.to_dict() == shipped  # nothing of the shipped example is lost
