"""Parsing of the Government of Canada IT-projects snapshot (one CSV row per project).

Pure functions over rows as ``csv.DictReader`` yields them; no file access. Bad values do not
stop the parse: each row carries its errors (row number counting the header as row 1, column,
value, reason), so an import can refuse the whole file and say what and where.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from omslag.analysis.projects.reference_class import ReferencePair, schedule_pair

MISSING_VALUES = frozenset({"", "tbd", "n/a"})
# The columns read, by their names in the snapshot's header.
UNIQUE_ID = "uniqueId"
DEPARTMENT_ACRONYM = "deptAcronym"
DEPARTMENT = "department"
PROJECT_NAME = "projectName"
AS_OF_DATE = "asOfDate"
TOTAL_BUDGET = "totalBudget"
ESTIMATED_COMPLETION_DATE = "estimatedCompletionDate"

# English month names, spelled out here because strptime's %B follows the process locale.
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: number for name, number in _MONTHS.items()})
_MONTHS["sept"] = 9
_MONEY = re.compile(r"\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LONG_DATE = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad value: row number (header is row 1), column, the value as given, and why."""

    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """One project as reported at asOfDate; a field is None when missing or unparseable."""

    row: int
    unique_id: str
    department_acronym: str
    department: str
    project_name: str
    as_of_date: date | None
    budget: Decimal | None
    estimated_completion_date: date | None
    errors: tuple[RowError, ...] = ()


def parse_money(value: str) -> Decimal:
    """'$6,279,429' -> Decimal('6279429'); anything else is a ValueError quoting the value."""
    match = _MONEY.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not an amount of money: {value!r} (expected e.g. '$6,279,429')")
    return Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))


def parse_date(value: str) -> date | None:
    """'December 1, 2016' or '2016-12-01' -> date; blank, 'TBD' or 'N/A' -> None."""
    text = value.strip()
    if text.lower() in MISSING_VALUES:
        return None
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        match = _LONG_DATE.fullmatch(text)
        if match and match.group(1).lower() in _MONTHS:
            month = _MONTHS[match.group(1).lower()]
            return date(int(match.group(3)), month, int(match.group(2)))
    except ValueError:  # e.g. 'February 30, 2017': a date shape, but no such day
        pass
    raise ValueError(f"not a date: {value!r} (expected e.g. 'December 1, 2016' or '2016-12-01')")


def parse_snapshot(rows: Iterable[Mapping[str, str | None]]) -> list[SnapshotRow]:
    """Parse every row; errors (including a repeated uniqueId) are kept on the row."""
    result: list[SnapshotRow] = []
    first_seen: dict[str, int] = {}
    for row_number, raw in enumerate(rows, start=2):
        parsed = _parse_row(row_number, raw)
        if parsed.unique_id in first_seen:
            duplicate = RowError(
                row_number,
                UNIQUE_ID,
                parsed.unique_id,
                f"duplicate uniqueId, first seen in row {first_seen[parsed.unique_id]}",
            )
            parsed = replace(parsed, errors=(*parsed.errors, duplicate))
        elif parsed.unique_id:
            first_seen[parsed.unique_id] = row_number
        result.append(parsed)
    return result


def snapshot_errors(rows: Iterable[SnapshotRow]) -> list[RowError]:
    """All row errors of a parsed snapshot, in row order."""
    return [error for row in rows for error in row.errors]


def budget_pairs(
    earlier: Sequence[SnapshotRow], later: Sequence[SnapshotRow]
) -> list[ReferencePair]:
    """Budget pairs of the projects (same uniqueId) with a budget in both snapshots.

    Rows with errors are left out, as are zero earlier budgets (no ratio). Earlier order.
    """
    later_by_id = {row.unique_id: row for row in later if not row.errors}
    pairs = []
    for row in earlier:
        match = later_by_id.get(row.unique_id)
        if row.errors or match is None or row.budget is None or match.budget is None:
            continue
        if row.budget > 0:
            pairs.append(ReferencePair(earlier=float(row.budget), later=float(match.budget)))
    return pairs


def schedule_pairs(
    earlier: Sequence[SnapshotRow], later: Sequence[SnapshotRow]
) -> list[ReferencePair]:
    """Remaining-duration pairs (days from the earlier asOfDate) of projects in both snapshots.

    Needs both completion dates and an earlier completion date after the earlier asOfDate.
    """
    later_by_id = {row.unique_id: row for row in later if not row.errors}
    pairs = []
    for row in earlier:
        match = later_by_id.get(row.unique_id)
        if row.errors or match is None or row.as_of_date is None:
            continue
        before, after = row.estimated_completion_date, match.estimated_completion_date
        if before is not None and after is not None and before > row.as_of_date:
            pairs.append(schedule_pair(row.as_of_date, before, after))
    return pairs


def _parse_row(row_number: int, raw: Mapping[str, str | None]) -> SnapshotRow:
    errors: list[RowError] = []

    def text(column: str, required: bool = True) -> str:
        value = raw.get(column)
        if value is None:
            errors.append(RowError(row_number, column, "", "missing: no such column in this row"))
            return ""
        if required and not value.strip():
            errors.append(RowError(row_number, column, value, "required, but blank"))
        return value.strip()

    def parsed_date(column: str, required: bool) -> date | None:
        value = text(column, required)
        try:
            return parse_date(value)
        except ValueError as error:
            errors.append(RowError(row_number, column, value, str(error)))
            return None

    unique_id = text(UNIQUE_ID)
    acronym, department = text(DEPARTMENT_ACRONYM), text(DEPARTMENT)
    project_name = text(PROJECT_NAME)
    as_of_date = parsed_date(AS_OF_DATE, required=True)
    completion = parsed_date(ESTIMATED_COMPLETION_DATE, required=False)
    budget_text = text(TOTAL_BUDGET, required=False)
    budget = None
    if budget_text.lower() not in MISSING_VALUES:
        try:
            budget = parse_money(budget_text)
        except ValueError as error:
            errors.append(RowError(row_number, TOTAL_BUDGET, budget_text, str(error)))
    return SnapshotRow(
        row=row_number,
        unique_id=unique_id,
        department_acronym=acronym,
        department=department,
        project_name=project_name,
        as_of_date=as_of_date,
        budget=budget,
        estimated_completion_date=completion,
        errors=tuple(errors),
    )
