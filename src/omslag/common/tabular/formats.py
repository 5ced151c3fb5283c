"""Reading uploaded tables and writing exports.

Reading streams CSV and XLSX row by row; ODS is read whole (odfpy has no streaming reader),
which the upload size limit keeps bounded. Every value is handed on as text, so column parsers
treat all formats alike.
"""

import codecs
import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

from ..errors import DomainError
from ..jsonreader import JsonProblem, load_json

FORMATS = ("csv", "xlsx", "ods", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "json": "application/json",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 1 << 16


class FileProblem(DomainError):
    """The file as a whole cannot be read (not a row-level problem)."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, values)
    format: str
    encoding: str = ""
    delimiter: str = ""


def format_for(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "tsv" or suffix == "txt":
        return "csv"
    if suffix not in FORMATS:
        raise FileProblem(
            _("%(name)s: unknown file type; use one of .csv, .xlsx, .ods or .json.")
            % {"name": filename}
        )
    return suffix


def _size(stream: IO[bytes]) -> int:
    position = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def read_table(stream: IO[bytes], filename: str, *, max_bytes: int) -> Table:
    """Open an uploaded file as a table; raises FileProblem with a message for people."""
    size = _size(stream)
    if size == 0:
        raise FileProblem(_("The file is empty."))
    if size > max_bytes:
        raise FileProblem(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": f"{size / 1e6:.1f}", "limit": f"{max_bytes / 1e6:.1f}"}
        )
    kind = format_for(filename)
    stream.seek(0)
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "ods": _read_ods, "json": _read_json}[kind]
    table = reader(stream)
    _check_headers(table.headers)
    return table


def _check_headers(headers: list[str]) -> None:
    if not headers or all(not h for h in headers):
        raise FileProblem(_("The file has no header row with column names."))
    seen = set()
    for index, header in enumerate(headers, start=1):
        if not header:
            raise FileProblem(_("Column %(n)s in the header row has no name.") % {"n": index})
        if header.lower() in seen:
            raise FileProblem(_("Column %(name)s appears twice.") % {"name": header})
        seen.add(header.lower())


def detect_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without byte-order mark) when the whole file decodes as such, else
    Windows-1252; anything else is refused."""
    stream.seek(0)
    head = stream.read(3)
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"
    except UnicodeDecodeError:
        pass
    finally:
        stream.seek(0)
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _("The file is neither UTF-8 nor Windows-1252 text (byte %(byte)s). Save it as UTF-8.")
            % {"byte": hex(exc.object[exc.start])}
        ) from None
    finally:
        stream.seek(0)
    return "cp1252"


DELIMITERS = (",", ";", "\t", "|")


def _guess_delimiter(sample: str) -> str:
    """The delimiter of the header row: the candidate that occurs most often in it.

    The header alone decides, because column names seldom hold a delimiter while data often
    does (csv.Sniffer guesses wrong on such data).
    """
    header = sample.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(stream: IO[bytes]) -> Table:
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    sample = text.read(_CHUNK)
    text.seek(0)
    if "\x00" in sample:
        raise FileProblem(_("The file contains NUL bytes; it is not a text (CSV) file."))
    delimiter = _guess_delimiter(sample)
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise FileProblem(_("The file is empty.")) from None
    except csv.Error as exc:
        raise FileProblem(_("Line 1 cannot be read as CSV: %(error)s") % {"error": exc}) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        row_number = 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(
                    _("Row %(row)s cannot be read as CSV: %(error)s")
                    % {"row": row_number + 1, "error": exc}
                ) from None
            row_number += 1
            if not any(v.strip() for v in values):
                continue
            yield row_number, values

    return Table(headers, rows(), "csv", encoding=encoding, delimiter=delimiter)


def _unreadable(kind: str, exc: BaseException) -> FileProblem:
    """Why a spreadsheet cannot be read, in words for people: never the exception's own text,
    which can hold a server path or a library's internals."""
    line = getattr(exc, "position", None) or (
        (exc.getLineNumber(), exc.getColumnNumber()) if hasattr(exc, "getLineNumber") else None
    )
    if isinstance(exc, zipfile.BadZipFile):
        reason = _("it is not a zip archive, as every XLSX and ODS file is")
    elif isinstance(exc, KeyError | IndexError | AttributeError):
        reason = _("a part of the file is missing")
    elif line:
        reason = _("its XML is broken at line %(line)s, column %(column)s") % {
            "line": line[0],
            "column": line[1],
        }
    else:
        reason = _("it is damaged or of another kind")
    return FileProblem(
        _(
            "This is not a readable %(kind)s file: %(reason)s. Save it again from the spreadsheet "
            "program and upload that copy."
        )
        % {"kind": kind.upper(), "reason": reason}
    )


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# The longest text a cell may hold in the XML of an XLSX or ODS file, in bytes: every cell
# Excel can hold (32,767 characters) fits, even when each character is written as an entity.
MAX_CELL_BYTES = 200_000
# ODS is read whole into memory, so the XML it unpacks to is limited as a whole as well.
MAX_ODS_XML_BYTES = 200 * 1024 * 1024


def _longest_text_run(member: IO[bytes]) -> int:
    """The longest stretch of the XML without a ``<``: every text and attribute value lies in
    one, so no cell can be longer. Streams the member in chunks; holds one chunk at most."""
    longest = run = 0
    while chunk := member.read(_CHUNK * 16):
        pieces = chunk.split(b"<")
        if len(pieces) == 1:
            run += len(chunk)
        else:
            longest = max(longest, run + len(pieces[0]), *(len(p) for p in pieces[1:-1]))
            run = len(pieces[-1])
        longest = max(longest, run)
    return longest


def _check_spreadsheet_zip(stream: IO[bytes], kind: str) -> None:
    """Refuse an XLSX or ODS file whose XML holds an overlong cell, before any reader keeps
    the file's contents in memory (a 199 KB file can unpack to one 200 MB cell)."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(kind, exc) from None
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith(".xml"):
                continue
            if kind == "ods" and info.file_size > MAX_ODS_XML_BYTES:
                raise FileProblem(
                    _("The file unpacks to %(size)s MB; an ODS file may unpack to %(limit)s MB.")
                    % {
                        "size": f"{info.file_size / 1e6:.0f}",
                        "limit": f"{MAX_ODS_XML_BYTES / 1e6:.0f}",
                    }
                )
            try:
                with archive.open(info) as member:
                    longest = _longest_text_run(member)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise _unreadable(kind, exc) from None
            if longest > MAX_CELL_BYTES:
                raise FileProblem(
                    _(
                        "A cell holds %(size)s bytes of text; a cell may hold at most %(limit)s "
                        "(about 32,000 characters, as in Excel)."
                    )
                    % {"size": f"{longest:,}", "limit": f"{MAX_CELL_BYTES:,}"}
                )
    stream.seek(0)


def _read_xlsx(stream: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    _check_spreadsheet_zip(stream, "xlsx")
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        headers = [cell_text(v) for v in next(iterator)]
    except StopIteration:
        raise FileProblem(_("The file is empty.")) from None
    except Exception as exc:  # openpyxl and the XML parser raise many kinds on broken files
        raise _unreadable("xlsx", exc) from None
    while headers and not headers[-1]:
        headers.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for row_number, values in enumerate(iterator, start=2):
                texts = [cell_text(v) for v in values]
                if any(texts):
                    yield row_number, texts
        except Exception as exc:  # a sheet broken further down
            raise _unreadable("xlsx", exc) from None
        finally:
            workbook.close()

    return Table(headers, rows(), "xlsx")


def _read_ods(stream: IO[bytes]) -> Table:
    import tablib

    _check_spreadsheet_zip(stream, "ods")
    try:
        dataset = tablib.Dataset().load(stream.read(), format="ods")
    except Exception as exc:  # odfpy raises many kinds of errors on broken files
        raise _unreadable("ods", exc) from None
    headers = [cell_text(h) for h in (dataset.headers or [])]
    while headers and not headers[-1]:
        headers.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        for row_number, values in enumerate(dataset, start=2):
            texts = [cell_text(v) for v in values]
            if any(texts):
                yield row_number, texts

    return Table(headers, rows(), "ods")


def _read_json(stream: IO[bytes]) -> Table:
    try:
        data = load_json(stream.read())
    except JsonProblem as problem:
        raise FileProblem(problem.message) from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise FileProblem(_("The JSON must be a list of objects, one per record."))
    headers: list[str] = []
    for item in data:
        for key in item:
            if key not in headers:
                headers.append(key)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, item in enumerate(data, start=1):
            values = []
            for header in headers:
                value = item.get(header)
                if isinstance(value, dict | list):
                    raise FileProblem(
                        _("Record %(n)s: field %(field)s holds a nested value; give plain text.")
                        % {"n": number, "field": header}
                    )
                values.append(cell_text(value))
            yield number, values

    return Table(headers, rows(), "json")


def neutralise(value: Any) -> Any:
    """Defuse spreadsheet formula injection: text starting with = + - @ tab or CR gets a
    leading apostrophe, so a spreadsheet shows it as text instead of running it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


# Rows written per piece of a streamed CSV or JSON: big enough that the writer's own cost per
# piece vanishes, small enough that a piece stays a few hundred kilobytes.
ROWS_PER_PIECE = 500
# Rows whose text decides the column widths of an XLSX export: the write-only mode needs the
# widths before the first row, so they come from a sample instead of the whole register.
XLSX_WIDTH_SAMPLE = 1_000
XLSX_SHEET_TITLE = "Tablib Dataset"  # the title the files had when tablib wrote them


def table_pieces(headers: list[str], rows: Iterable[Iterable[Any]], fmt: str) -> Iterator[bytes]:
    """CSV or JSON written a few hundred rows at a time: joined, the pieces are exactly the
    bytes ``write_table`` returns, and no more than one piece is held in memory."""
    if fmt == "csv":
        return _csv_pieces(headers, rows)
    if fmt == "json":
        return _json_pieces(headers, rows)
    raise FileProblem(_("Unknown export format %(fmt)s.") % {"fmt": fmt})


def _csv_pieces(headers, rows) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    yield codecs.BOM_UTF8 + buffer.getvalue().encode()
    pending = 0
    for row in rows:
        if pending == 0:
            buffer.seek(0)
            buffer.truncate()
        writer.writerow([neutralise(_plain(v)) for v in row])
        pending += 1
        if pending == ROWS_PER_PIECE:
            yield buffer.getvalue().encode()
            pending = 0
    if pending:
        yield buffer.getvalue().encode()


def _json_pieces(headers, rows) -> Iterator[bytes]:
    # json.dumps(records, indent=2) of the whole list, record by record: the list's brackets,
    # its separators and one more level of indentation around each record's own dump (text
    # values hold no raw line breaks, json escapes them).
    pieces: list[str] = []
    first = True
    for row in rows:
        record = json.dumps(
            dict(zip(headers, map(_plain, row), strict=True)), ensure_ascii=False, indent=2
        )
        pieces.append(("[\n  " if first else ",\n  ") + record.replace("\n", "\n  "))
        first = False
        if len(pieces) == ROWS_PER_PIECE:
            yield "".join(pieces).encode()
            pieces = []
    pieces.append("[]" if first else "\n]")
    yield "".join(pieces).encode()


def write_table_file(
    headers: list[str], rows: Iterable[Iterable[Any]], fmt: str, target: IO[bytes]
) -> None:
    """Write rows in ``fmt`` into the binary file ``target``: CSV and JSON piece by piece,
    XLSX in openpyxl's write-only mode (rows go to a temporary file, memory stays constant),
    ODS whole in memory (odfpy builds the document as a tree before it writes it)."""
    if fmt not in FORMATS:
        raise FileProblem(_("Unknown export format %(fmt)s.") % {"fmt": fmt})
    if fmt in ("csv", "json"):
        for piece in table_pieces(headers, rows, fmt):
            target.write(piece)
    elif fmt == "xlsx":
        _write_xlsx(headers, rows, target)
    else:
        import tablib

        safe_rows = [tuple(neutralise(_plain(v)) for v in row) for row in rows]
        target.write(tablib.Dataset(*safe_rows, headers=headers).export(fmt))


def _write_xlsx(headers, rows, target: IO[bytes]) -> None:
    """The sheet tablib wrote (bold header row, panes frozen below it, wrapped multi-line text,
    columns as wide as their longest text), in write-only mode; the widths come from the
    header and the first XLSX_WIDTH_SAMPLE rows."""
    from itertools import chain, islice

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    sample = [[neutralise(_plain(v)) for v in row] for row in islice(rows, XLSX_WIDTH_SAMPLE)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(XLSX_SHEET_TITLE)
    widths = [len(str(h)) for h in headers]
    for row in sample:
        for index, value in enumerate(row):
            if index < len(widths):
                widths[index] = max(widths[index], len(str(value)))
            else:
                widths.append(len(str(value)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True)

    def cell(value, style=None):
        try:
            written = WriteOnlyCell(sheet, value=value)
        except ValueError:
            written = WriteOnlyCell(sheet, value=str(value))
        if style is bold:
            written.font = bold
        elif "\n" in str(value):
            written.alignment = wrap
        return written

    sheet.append([cell(h, bold) for h in headers])
    rest = ([neutralise(_plain(v)) for v in row] for row in rows)
    for row in chain(sample, rest):
        sheet.append([cell(v) for v in row])
    workbook.save(target)


def write_table(headers: list[str], rows: Iterable[Iterable[Any]], fmt: str) -> bytes:
    """Write rows in ``fmt``; spreadsheet formats get formula injection neutralised."""
    if fmt in ("csv", "json"):
        return b"".join(table_pieces(headers, rows, fmt))
    target = io.BytesIO()
    write_table_file(headers, rows, fmt, target)
    return target.getvalue()
