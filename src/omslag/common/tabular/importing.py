"""All-or-nothing imports with a per-row error report.

An import runs in two passes. The first parses and checks every row without touching the
database; any problem stops the import with the full list. The second saves every row inside
one transaction; a dry run saves too, then rolls back, so it catches exactly what a real run
would.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .formats import Table

MAX_REPORTED_PROBLEMS = 1000


class RowError(Exception):
    """Raised by a column parser or a row check: what is wrong, and in which column."""

    def __init__(self, reason: str, column: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.column = column


def field_parser(model, name: str) -> Callable[[str], Any]:
    """Parse a cell with the model field's own conversion and validators (length, format,
    choices), so a bad value is reported in the check pass with the rest."""
    model_field = model._meta.get_field(name)

    def parse(raw: str) -> Any:
        try:
            return model_field.clean(raw.strip(), None)
        except ValidationError as exc:
            raise RowError("; ".join(exc.messages)) from None

    return parse


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = True
    parse: Callable[[str], Any] = str.strip
    key: bool = False  # part of the key that must be unique within the file


# A report keeps a short excerpt of each bad value: enough to find it, never the whole cell
# (a 200 MB cell would otherwise be stored in every copy of the report).
VALUE_EXCERPT_CHARS = 100


def excerpt(text: str, limit: int = VALUE_EXCERPT_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis and the full length when cut."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


PREVIEW_ROWS = 5
# A progress callback hears of the rows read this many at a time (a job's cancel is seen then).
PROGRESS_ROWS = 200


@dataclass
class RowProblem:
    row: int
    column: str
    value: str
    reason: str

    def __post_init__(self):
        self.column = excerpt(self.column)
        self.value = excerpt(self.value)


class TableConversion(Protocol):
    """What an import needs of a conversion of another system's register
    (``common.tabular.conversion.Conversion``): its currency, and the table in omslag's
    columns with each row's problems, notes and skips told back. Named here, so that this
    module does not depend on the conversions (they build on its problems and excerpts)."""

    @property
    def currency(self) -> str: ...

    def apply(
        self,
        table: Table,
        problem: Callable[[RowProblem], None],
        note: Callable[[RowProblem], None] | None = None,
        skipped: Callable[[], None] | None = None,
    ) -> Table: ...


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows that were read but left out on purpose (nothing in them to save), each with a note.
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problems_total: int = 0
    headers: list[str] = field(default_factory=list)
    # Rows skipped or only partly used, with the reason: an import that goes through still
    # says what it did not take over. Not problems: they do not stop the import.
    notes: list[RowProblem] = field(default_factory=list)
    notes_total: int = 0
    # The first rows as the import reads them (after a conversion: in omslag's columns and
    # notation), so a preview shows what the conversion made of the file.
    preview_headers: list[str] = field(default_factory=list)
    preview: list[list] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problems_total == 0

    def add(self, problem: RowProblem) -> None:
        self.problems_total += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append(problem)

    def skip(self) -> None:
        """Count a row left out on purpose (its reason is a note)."""
        self.skipped += 1

    def note(self, note: RowProblem) -> None:
        """Record a row that is skipped or partly used, and why."""
        self.notes_total += 1
        if len(self.notes) < MAX_REPORTED_PROBLEMS:
            self.notes.append(note)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        return data


@dataclass
class ImportContext:
    actor: Any
    organisation: Any
    dry_run: bool
    cache: dict = field(default_factory=dict)
    # The currency of the file's amounts when a conversion names one (ISO 4217); empty: euro.
    currency: str = ""


class ImportSpec:
    """What one kind of record looks like in a file, and how a row is saved.

    Subclasses set ``kind``, ``label`` and ``columns`` and implement ``save_row``; they may
    add cross-column checks in ``check_row`` and preload lookups in ``prepare``.
    """

    kind: str = ""
    format: str = "table"  # another value for files in a register's own layout
    label: str = ""
    columns: tuple[Column, ...] = ()
    # Columns an export adds for reading (derived figures); an import accepts and ignores them.
    ignored_columns: tuple[str, ...] = ()
    # Rows per transaction on a database with one writer (SQLite), so that a long import
    # never holds the lock for more than a moment; 0: one transaction. A spec sets it when its
    # save_all may be called once per chunk (state across chunks kept in context.cache).
    chunk_rows: int = 0

    def may_import(self, person, organisation) -> bool:
        raise NotImplementedError

    def prepare(self, context: ImportContext) -> None:
        """Load what every row needs once (lookups by key), before the rows are checked."""

    def check_row(self, values: dict, context: ImportContext) -> None:
        """Checks across columns or against the database; raise RowError."""

    def check_file(self, rows: list[tuple[int, dict]], context: ImportContext) -> list[RowProblem]:
        """Checks that need every row (references to later rows); return the problems."""
        return []

    def save_row(self, values: dict, context: ImportContext) -> str:
        """Save one checked row; return 'created', 'updated', 'unchanged' or 'skipped'."""
        raise NotImplementedError

    def save_all(
        self, rows: list[tuple[int, dict]], context: ImportContext, report: "ImportReport"
    ) -> None:
        """Save every checked row (inside the import's transaction). Override for bulk saves."""
        for row_number, parsed in rows:
            # No savepoint per row: checks raise before the database is touched, and any
            # failure rolls the whole import back anyway.
            try:
                outcome = self.save_row(parsed, context)
            except ValidationError as exc:
                for column, messages in _errors_by_column(exc):
                    report.add(
                        RowProblem(
                            row_number, column, _raw_parsed(parsed, column), "; ".join(messages)
                        )
                    )
                continue
            except RowError as exc:
                report.add(
                    RowProblem(row_number, exc.column, _raw_parsed(parsed, exc.column), exc.reason)
                )
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)

    def finish(self, context: ImportContext, report: "ImportReport") -> None:
        """Work after every row is saved (links between rows), inside the transaction."""

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _header_map(
    spec: ImportSpec, headers: list[str], mapping: dict[str, str] | None, report: ImportReport
) -> dict[int, str]:
    """Which file column holds which spec column, by position."""
    names = {c.name.lower(): c.name for c in spec.columns}
    mapping = {k.strip().lower(): v for k, v in (mapping or {}).items()}
    positions: dict[int, str] = {}
    for index, header in enumerate(headers):
        target = mapping.get(header.strip().lower(), header.strip())
        if target == "" or target.lower() in spec.ignored_columns:  # mapped to "ignore"
            continue
        canonical = names.get(target.lower())
        if canonical is None:
            report.add(
                RowProblem(
                    1,
                    header,
                    header,
                    _("unknown column; expected one of: %(names)s (or map it to one)")
                    % {"names": ", ".join(c.name for c in spec.columns)},
                )
            )
            continue
        if canonical in positions.values():
            report.add(
                RowProblem(1, header, header, _("a second column for %(n)s") % {"n": canonical})
            )
            continue
        positions[index] = canonical
    for column in spec.columns:
        if column.required and column.name not in positions.values():
            report.add(RowProblem(1, column.name, "", _("required column is missing")))
    return positions


def import_run(
    spec: ImportSpec,
    table: Table,
    *,
    actor,
    organisation,
    mapping: dict[str, str] | None = None,
    conversion: TableConversion | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    before_commit: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Check every row, then save all of them or none. A ``conversion`` (another system's
    register) turns the file into omslag's columns and notation first; its problems name the
    file's rows and columns and are reported with the rest. ``before_commit`` runs inside the
    transaction of a real run that went through (to record the import with the rows), and
    ``progress(0)`` is called there too, a last point where a cancelled job rolls back."""
    report = ImportReport(kind=spec.kind, dry_run=dry_run, headers=list(table.headers))
    context = ImportContext(
        actor=actor,
        organisation=organisation,
        dry_run=dry_run,
        currency=conversion.currency if conversion else "",
    )
    if conversion is not None:
        table = conversion.apply(table, report.add, report.note, report.skip)
        if not report.ok:
            return report
    positions = _header_map(spec, table.headers, mapping, report)
    if not report.ok:
        return report
    spec.prepare(context)

    checked: list[tuple[int, dict]] = []
    seen_keys: dict[tuple, int] = {}
    key_columns = [c.name for c in spec.columns if c.key]
    report.preview_headers = list(table.headers)
    # Each spec column with its position in the file, looked up once rather than per cell.
    cells = [(index, name, spec.column(name)) for index, name in positions.items()]
    width = len(table.headers)
    unreported = 0  # rows read since the last progress call
    for row_number, values in table.rows:
        report.rows_total += 1
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append([row_number, *(excerpt(v) for v in values[:width])])
        if progress:
            unreported += 1
            if unreported >= PROGRESS_ROWS:
                progress(unreported)
                unreported = 0
        if len(values) > width and any(v.strip() for v in values[width:]):
            report.add(RowProblem(row_number, "", "", _("more values than there are columns")))
            continue
        parsed: dict[str, Any] = {}
        row_ok = True
        for index, name, column in cells:
            raw = values[index] if index < len(values) else ""
            if raw.strip() == "":
                if column.required:
                    report.add(RowProblem(row_number, name, raw, _("a value is required")))
                    row_ok = False
                parsed[name] = None
                continue
            try:
                parsed[name] = column.parse(raw)
            except (RowError, ValueError, ValidationError) as exc:
                reason = exc.reason if isinstance(exc, RowError) else _reason(exc)
                report.add(RowProblem(row_number, name, raw, reason))
                row_ok = False
        if not row_ok:
            continue
        if key_columns and any(parsed.get(k) not in (None, "") for k in key_columns):
            key = tuple(str(parsed.get(k)).lower() for k in key_columns)
            if key in seen_keys:
                report.add(
                    RowProblem(
                        row_number,
                        key_columns[0],
                        str(parsed.get(key_columns[0])),
                        _("duplicate of row %(row)s") % {"row": seen_keys[key]},
                    )
                )
                continue
            seen_keys[key] = row_number
        try:
            spec.check_row(parsed, context)
        except RowError as exc:
            column = exc.column or ""
            report.add(RowProblem(row_number, column, _raw(values, positions, column), exc.reason))
            continue
        checked.append((row_number, parsed))
    if progress and unreported:
        progress(unreported)
    if report.ok and not checked:
        report.add(RowProblem(2, "", "", _("the file has no data rows")))
    if checked:  # checks across rows, also when other rows failed, to report everything at once
        for problem in sorted(spec.check_file(checked, context), key=lambda p: p.row):
            report.add(problem)
    if not report.ok:
        report.problems.sort(key=lambda p: p.row)
        return report

    chunk = spec.chunk_rows if not dry_run and _writes_lock_the_database() else 0
    if chunk and len(checked) > chunk:
        if progress:
            progress(0)  # the last point where a cancel leaves nothing saved
        _save_in_chunks(spec, checked, context, report, chunk, before_commit)
        return report
    with transaction.atomic():
        spec.save_all(checked, context, report)
        if report.ok:
            spec.finish(context, report)
        if report.ok and not dry_run:
            if progress:
                progress(0)
            if before_commit:
                before_commit(report)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    if not report.ok:
        report.created = report.updated = report.unchanged = 0
    return report


# Between two chunks the import waits longer than SQLite's busy handler sleeps at most
# (100 ms), so a sign-in or any other write waiting for the lock gets its turn.
CHUNK_PAUSE_SECONDS = 0.12
# How long one chunk may hold the write lock: a sign-in waits at most about this long.
CHUNK_SECONDS = 0.5


def _writes_lock_the_database() -> bool:
    """SQLite has one writer for the whole file: a long write transaction makes every other
    write (a sign-in, a session) wait for it. PostgreSQL locks rows, so it saves in one."""
    from django.db import connection

    return connection.vendor == "sqlite"


def _save_in_chunks(spec, checked, context, report, chunk: int, before_commit=None) -> None:
    """Save a checked file in short transactions (SQLite): the first has ``chunk`` rows, the
    next ones as many as fit in CHUNK_SECONDS at the speed measured so far. Every row was
    checked first, so a failure now is rare; if one comes, the chunks before it stay saved
    and the report says up to which row. ``before_commit`` runs in the last chunk's
    transaction (the import is recorded with its last rows). Once saving has begun a cancel no
    longer stops it: a job's cancel is checked before the first chunk only."""
    start = 0
    while start < len(checked):
        if start:
            time.sleep(CHUNK_PAUSE_SECONDS)
        rows = checked[start : start + chunk]
        before = (report.created, report.updated, report.unchanged)
        began = time.perf_counter()
        with transaction.atomic():
            spec.save_all(rows, context, report)
            last = start + len(rows) >= len(checked)
            if report.ok and last:
                spec.finish(context, report)
                if report.ok and before_commit:
                    before_commit(report)
            if not report.ok:
                transaction.set_rollback(True)
        if not report.ok:
            report.created, report.updated, report.unchanged = before
            if start:
                report.add(
                    RowProblem(
                        rows[0][0],
                        "",
                        "",
                        _("the rows before row %(row)s were saved; this row and the rest were not")
                        % {"row": rows[0][0]},
                    )
                )
            return
        start += len(rows)
        seconds = max(time.perf_counter() - began, 1e-3)
        chunk = max(50, min(chunk * 2, int(len(rows) * CHUNK_SECONDS / seconds)))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def _errors_by_column(exc: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        return [("" if k == "__all__" else k, v) for k, v in exc.message_dict.items()]
    return [("", exc.messages)]


def _raw(values: list[str], positions: dict[int, str], column: str) -> str:
    for index, name in positions.items():
        if name == column and index < len(values):
            return values[index]
    return ""


def _raw_parsed(parsed: dict, column: str) -> str:
    value = parsed.get(column)
    return "" if value is None else str(value)
