"""Reading uploaded tables and writing exports, read back with the spreadsheet libraries."""

import io
import json

import openpyxl
import pytest
import tablib

from omslag.common.tabular.formats import (
    FileProblem,
    format_for,
    neutralise,
    read_table,
    write_table,
)

LIMIT = 1_000_000


def read(content: bytes, name: str):
    table = read_table(io.BytesIO(content), name, max_bytes=LIMIT)
    return table, list(table.rows)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiter_is_detected(delimiter):
    content = delimiter.join(["slug", "name"]) + "\r\n" + delimiter.join(["a", "Zaandam"]) + "\r\n"
    table, rows = read(content.encode(), "orgs.csv")
    assert table.delimiter == delimiter
    assert table.headers == ["slug", "name"]
    assert rows == [(2, ["a", "Zaandam"])]


def test_csv_in_windows_1252_is_detected_and_decoded():
    content = "slug;name\nden-bosch;'s-Hertogenbosch – Café\n".encode("cp1252")
    table, rows = read(content, "orgs.csv")
    assert table.encoding == "cp1252"
    assert rows[0][1][1] == "'s-Hertogenbosch – Café"


def test_csv_in_utf8_with_byte_order_mark():
    content = "\ufeffslug,name\nx,Één\n".encode()
    table, rows = read(content, "orgs.csv")
    assert table.headers == ["slug", "name"]  # the mark is not part of the first header
    assert rows[0][1] == ["x", "Één"]


def test_text_in_neither_encoding_is_refused():
    # 0x81 is undefined in Windows-1252 and invalid as a UTF-8 start byte.
    with pytest.raises(FileProblem, match="neither UTF-8 nor Windows-1252"):
        read(b"slug,name\nx,\x81\x81\n", "orgs.csv")


def test_empty_file_and_file_over_the_limit():
    with pytest.raises(FileProblem, match="empty"):
        read(b"", "orgs.csv")
    with pytest.raises(FileProblem, match="limit is 0.0 MB"):
        read_table(io.BytesIO(b"slug\nx\n" * 100), "orgs.csv", max_bytes=10)


def test_malformed_csv_names_the_row():
    with pytest.raises(FileProblem, match="Row 3"):
        _table, rows = read(b'slug,name\na,b\nc,"unterminated\n', "orgs.csv")
        list(rows)


def test_binary_file_named_csv_is_refused():
    with pytest.raises(FileProblem):
        read(b"slug,name\n\x00\x00\x00", "orgs.csv")


def test_blank_rows_are_skipped_and_row_numbers_match_the_sheet():
    _table, rows = read(b"slug,name\na,A\n,\nb,B\n", "orgs.csv")
    assert [number for number, _values in rows] == [2, 4]


def test_duplicate_and_missing_header_names():
    with pytest.raises(FileProblem, match="appears twice"):
        read(b"slug,Slug\na,b\n", "orgs.csv")
    with pytest.raises(FileProblem, match="Column 2"):
        read(b"slug,,name\na,b,c\n", "orgs.csv")


def test_unknown_file_type():
    with pytest.raises(FileProblem, match="unknown file type"):
        format_for("organisations.pdf")


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_values_are_read_as_text():
    import datetime as dt

    content = _xlsx([["slug", "year", "amount", "date"], ["a", 2024, 12.5, dt.date(2026, 1, 31)]])
    table, rows = read(content, "spend.xlsx")
    assert table.headers == ["slug", "year", "amount", "date"]
    assert rows == [(2, ["a", "2024", "12.5", "2026-01-31"])]


def test_ods_is_read():
    dataset = tablib.Dataset(("a", "Assen"), headers=["slug", "name"])
    table, rows = read(dataset.export("ods"), "orgs.ods")
    assert table.headers == ["slug", "name"]
    assert rows == [(2, ["a", "Assen"])]


def test_corrupt_spreadsheets_are_refused_clearly():
    with pytest.raises(FileProblem, match="not a readable XLSX"):
        read(b"PK\x03\x04 this is no zip", "orgs.xlsx")
    with pytest.raises(FileProblem, match="not a readable ODS"):
        read(b"not an ods file at all", "orgs.ods")


def test_json_list_of_objects():
    content = json.dumps([{"slug": "a", "name": "A"}, {"slug": "b", "extra": 3}]).encode()
    table, rows = read(content, "orgs.json")
    assert table.headers == ["slug", "name", "extra"]
    assert rows == [(1, ["a", "A", ""]), (2, ["b", "", "3"])]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "not valid JSON"),
        (b'{"a": 1}', "list of objects"),
        (b"[1, 2]", "list of objects"),
    ],
)
def test_bad_json(content, message):
    with pytest.raises(FileProblem, match=message):
        read(content, "orgs.json")


def test_nested_json_value_is_refused():
    with pytest.raises(FileProblem, match="Record 1"):
        _table, rows = read(b'[{"slug": {"a": 1}}]', "orgs.json")
        list(rows)


DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_prefixes_formula_text(value):
    assert neutralise(value) == "'" + value


def test_neutralise_leaves_safe_values_and_numbers():
    assert neutralise("Gemeente") == "Gemeente"
    assert neutralise(-5) == -5
    assert neutralise("") == ""


def test_csv_export_neutralises_formula_injection():
    content = write_table(["name"], [[v] for v in DANGEROUS], "csv")
    _table, rows = read(content, "out.csv")
    for (_n, values), original in zip(rows, DANGEROUS, strict=True):
        assert values[0].startswith("'")
        assert values[0][1:].strip() == original.strip()


def test_xlsx_export_holds_no_formula_cells():
    content = write_table(["name", "amount"], [[v, 3] for v in DANGEROUS], "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [row[0] for row in workbook.active.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)  # text, never "f" (formula)
    # Spreadsheets store a carriage return as a line feed.
    assert [cell.value.replace("\r", "\n") for cell in cells] == [
        "'" + v.replace("\r", "\n") for v in DANGEROUS
    ]
    assert workbook.active["B2"].value == 3  # numbers stay numbers


def test_ods_export_neutralises_formula_injection():
    content = write_table(["name"], [[v] for v in DANGEROUS], "ods")
    dataset = tablib.Dataset().load(content, format="ods")
    assert [row[0].replace("\r", "\n") for row in dataset] == [
        "'" + v.replace("\r", "\n") for v in DANGEROUS
    ]


def test_json_export_keeps_values_as_they_are():
    content = write_table(["name"], [["=1+1"]], "json")
    assert json.loads(content) == [{"name": "=1+1"}]
