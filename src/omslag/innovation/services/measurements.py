"""Measurements of an experiment: per-group summaries given directly, or per-unit files
streamed row by row and reduced to summaries, with the units kept as compact arrays."""

import io
import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import IO, Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.common.tabular.formats import read_table
from omslag.common.tabular.importing import MAX_REPORTED_PROBLEMS, RowProblem

from ..models import Experiment, MeasurementSummary, MeasurementUpload

RESERVED_COLUMNS = ("unit", "group", "period")

# A per-unit file as columns: "unit", "group", "period" (codes), "period_labels" and one
# "metric:<name>" column of values per metric.
Arrays = dict[str, npt.NDArray[Any]]


class MeasurementProblems(RuleViolation):
    """A measurement file or summary with problems; nothing was saved."""

    def __init__(self, problems: list[RowProblem], total: int):
        super().__init__(
            _("%(n)s problem(s) in the measurements; nothing was saved.") % {"n": total}
        )
        self.problems = problems
        self.total = total


@dataclass
class SummaryInput:
    metric: str
    group: str
    period: str
    count: int
    total: float
    sum_of_squares: float
    successes: int | None = None
    # The sum of squared deviations about the mean when it is known exactly (from a mean and
    # standard deviation); None: it follows from the sums.
    squared_deviations: float | None = None


def summary_from_mean_and_deviation(
    *,
    metric: str,
    group: str,
    period: str,
    count: int,
    mean: float | Decimal,
    standard_deviation: float | Decimal,
    successes: int | None = None,
) -> SummaryInput:
    """A summary given as count, mean and sample standard deviation: the sums computed exactly
    and rounded once, and the spread kept as given (``squared_deviations``), so that a small
    spread beside a large mean is not lost. ValueError when the numbers leave the range."""
    exact_total = Fraction(mean) * count
    deviations = Fraction(standard_deviation) ** 2 * max(count - 1, 0)
    try:
        total = float(exact_total)
        sum_of_squares = float(deviations + (exact_total**2 / count if count else 0))
        squared = float(deviations)
    except OverflowError:
        raise ValueError("the mean or standard deviation is too large to compute with") from None
    if not all(math.isfinite(x) for x in (total, sum_of_squares, squared)):
        raise ValueError("the mean or standard deviation is too large to compute with")
    return SummaryInput(
        metric=metric,
        group=group,
        period=period,
        count=count,
        total=total,
        sum_of_squares=sum_of_squares,
        successes=successes,
        squared_deviations=squared,
    )


def _groups(experiment: Experiment) -> tuple[str, str]:
    return experiment.control_label, experiment.treatment_label


# The database column of counts (a 32-bit integer) and the largest sum the statistics can
# square without overflowing.
MAX_COUNT = 2_147_483_647
MAX_SUM = 1e100


def summary_problems(experiment: Experiment, row: int, item: SummaryInput) -> list[RowProblem]:
    """Why a given summary is impossible, each naming the value and the rule."""
    problems = []
    if item.group not in _groups(experiment):
        problems.append(
            RowProblem(
                row,
                "group",
                item.group,
                _("unknown group; this experiment has %(a)s and %(b)s")
                % {"a": experiment.control_label, "b": experiment.treatment_label},
            )
        )
    if item.count < 2:
        problems.append(
            RowProblem(row, "count", str(item.count), _("a group needs at least 2 units"))
        )
    if item.count > MAX_COUNT or (item.successes or 0) > MAX_COUNT:
        name = "count" if item.count > MAX_COUNT else "successes"
        problems.append(
            RowProblem(
                row, name, str(getattr(item, name)), _("at most %(n)s") % {"n": f"{MAX_COUNT:,}"}
            )
        )
    sizable = True
    for name in ("total", "sum_of_squares"):
        value = getattr(item, name)
        if not math.isfinite(value):
            problems.append(RowProblem(row, name, str(value), _("not a finite number")))
            sizable = False
        elif abs(value) > MAX_SUM:
            # Squares and variances of larger sums overflow a double in the analysis.
            problems.append(
                RowProblem(row, name, str(value), _("too large; at most %(n)s") % {"n": "1e100"})
            )
            sizable = False
    if item.squared_deviations is not None:
        if not math.isfinite(item.squared_deviations) or item.squared_deviations < 0:
            problems.append(
                RowProblem(
                    row,
                    "standard_deviation",
                    str(item.squared_deviations),
                    _("must be a finite number, not negative"),
                )
            )
    elif 1 <= item.count <= MAX_COUNT and sizable:
        deviations = item.sum_of_squares - item.total**2 / item.count
        if deviations < -1e-9 * max(1.0, abs(item.sum_of_squares)):
            problems.append(
                RowProblem(
                    row,
                    "sum_of_squares",
                    str(item.sum_of_squares),
                    _("impossible with this sum and count: the variance would be negative"),
                )
            )
    if item.successes is not None and not 0 <= item.successes <= item.count:
        problems.append(
            RowProblem(row, "successes", str(item.successes), _("must lie between 0 and the count"))
        )
    return problems


@transaction.atomic
def summaries_save(
    *, actor: Any, experiment: Experiment, items: list[SummaryInput], source: str = "summary"
) -> int:
    """Save per-group summaries, replacing those of the same metric, group and period."""
    problems: list[RowProblem] = []
    for row, item in enumerate(items, start=1):
        problems.extend(summary_problems(experiment, row, item))
    if problems:
        raise MeasurementProblems(problems[:MAX_REPORTED_PROBLEMS], len(problems))
    for item in items:
        MeasurementSummary.objects.update_or_create(
            experiment=experiment,
            metric=item.metric,
            group=item.group,
            period=item.period,
            defaults={
                "count": item.count,
                "total": item.total,
                "sum_of_squares": item.sum_of_squares,
                "squared_deviations": item.squared_deviations,
                "successes": item.successes,
                "source": source,
            },
        )
    return len(items)


@dataclass
class _Columns:
    unit: int
    group: int
    period: int | None
    metrics: dict[str, int] = field(default_factory=dict)


def _columns(headers: list[str]) -> _Columns:
    lower = [h.strip().lower() for h in headers]
    missing = [name for name in ("unit", "group") if name not in lower]
    if missing:
        raise MeasurementProblems(
            [RowProblem(1, name, "", _("required column is missing")) for name in missing],
            len(missing),
        )
    metrics = {h.strip(): i for i, h in enumerate(headers) if lower[i] not in RESERVED_COLUMNS}
    if not metrics:
        raise MeasurementProblems(
            [
                RowProblem(
                    1,
                    "",
                    "",
                    _("no metric columns: give one column per metric after unit, group, period"),
                )
            ],
            1,
        )
    return _Columns(
        lower.index("unit"),
        lower.index("group"),
        lower.index("period") if "period" in lower else None,
        metrics,
    )


def _repeated_units(
    units: "array[int]",
    groups: "array[int]",
    periods: "array[int]",
    row_numbers: "array[int]",
) -> tuple[list[tuple[int, int, int]], int]:
    """(row, first row, unit code) of the first rows that repeat a unit in the same group and
    period, and how many do: counted twice, a unit would weigh double in the summaries. One
    sort of a 64-bit key per row, so memory stays at a few bytes per row."""
    if not units:
        return [], 0
    keys = (
        (np.asarray(units, dtype=np.int64) << 24)
        | (np.asarray(periods, dtype=np.int64) << 8)
        | np.asarray(groups, dtype=np.int64)
    )
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    if not len(repeated):
        return [], 0
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    first_of = starts[np.searchsorted(starts, repeated, side="right") - 1]
    rows = np.asarray(row_numbers, dtype=np.int64)
    shown = [
        (int(rows[order[i]]), int(rows[order[f]]), int(units[order[i]]))
        for i, f in zip(repeated[:MAX_REPORTED_PROBLEMS], first_of, strict=False)
    ]
    return shown, len(repeated)


def upload_read(
    experiment: Experiment,
    stream: IO[bytes],
    filename: str,
    progress: Callable[[int], None] | None = None,
) -> tuple[Arrays, list[str], int]:
    """Stream a per-unit file into compact arrays; raise MeasurementProblems listing every bad
    row. Memory grows with the number of rows (8 bytes per value), never with the file's text."""
    table = read_table(stream, filename, max_bytes=settings.MEASUREMENT_MAX_BYTES)
    columns = _columns(table.headers)
    group_codes = {label: code for code, label in enumerate(_groups(experiment))}
    unit_codes: dict[str, int] = {}
    period_codes: dict[str, int] = {}
    units, groups, periods = array("l"), array("b"), array("h")
    row_numbers = array("l")
    values = {name: array("d") for name in columns.metrics}
    problems: list[RowProblem] = []
    total_problems = 0
    rows = 0
    for row_number, cells in table.rows:
        rows += 1
        if progress and rows % 10_000 == 0:
            progress(10_000)
        try:
            unit = cells[columns.unit].strip()
            group = cells[columns.group].strip()
            period = cells[columns.period].strip() if columns.period is not None else ""
        except IndexError:
            total_problems += 1
            if len(problems) < MAX_REPORTED_PROBLEMS:
                problems.append(
                    RowProblem(row_number, "", "", _("fewer values than there are columns"))
                )
            continue
        row_problems: list[RowProblem] = []
        if not unit:
            row_problems.append(RowProblem(row_number, "unit", "", _("a value is required")))
        if group not in group_codes:
            row_problems.append(
                RowProblem(
                    row_number,
                    "group",
                    group,
                    _("unknown group; this experiment has %(a)s and %(b)s")
                    % {"a": experiment.control_label, "b": experiment.treatment_label},
                )
            )
        numbers: dict[str, float] = {}
        for name, index in columns.metrics.items():
            text = cells[index].strip() if index < len(cells) else ""
            try:
                number = float(text.replace(",", ".")) if text else math.nan
            except ValueError:
                row_problems.append(RowProblem(row_number, name, text, _("not a number")))
                continue
            if math.isinf(number):
                row_problems.append(RowProblem(row_number, name, text, _("not a finite number")))
            numbers[name] = number
        if row_problems:
            total_problems += len(row_problems)
            problems.extend(row_problems[: max(0, MAX_REPORTED_PROBLEMS - len(problems))])
            continue
        units.append(unit_codes.setdefault(unit, len(unit_codes)))
        groups.append(group_codes[group])
        periods.append(period_codes.setdefault(period, len(period_codes)))
        row_numbers.append(row_number)
        for name, number in numbers.items():
            values[name].append(number)
    repeats, repeats_total = _repeated_units(units, groups, periods, row_numbers)
    total_problems += repeats_total
    unit_names = {code: name for name, code in unit_codes.items()} if repeats else {}
    for row_number, first, unit_code in repeats:
        if len(problems) < MAX_REPORTED_PROBLEMS:
            problems.append(
                RowProblem(
                    row_number,
                    "unit",
                    unit_names.get(unit_code, ""),
                    _("the same unit, group and period as row %(row)s") % {"row": first},
                )
            )
    if total_problems:
        problems.sort(key=lambda p: p.row)
        raise MeasurementProblems(problems[:MAX_REPORTED_PROBLEMS], total_problems)
    if rows == 0:
        raise MeasurementProblems([RowProblem(2, "", "", _("the file has no data rows"))], 1)
    arrays = {
        "unit": np.frombuffer(units, dtype=np.int64) if units.itemsize == 8 else np.asarray(units),
        "group": np.asarray(groups, dtype=np.int8),
        "period": np.asarray(periods, dtype=np.int16),
        "period_labels": np.asarray(list(period_codes), dtype=str),
        **{
            f"metric:{name}": np.frombuffer(column, dtype=np.float64)
            for name, column in values.items()
        },
    }
    return arrays, list(columns.metrics), rows


def summaries_from_arrays(
    experiment: Experiment, arrays: Arrays, metrics: list[str]
) -> list[SummaryInput]:
    """Per (metric, group, period) count, sum and sum of squares, in one bincount pass each;
    missing values (empty cells) are left out of that metric."""
    labels = _groups(experiment)
    period_labels = [str(p) for p in arrays["period_labels"]]
    cells = arrays["group"].astype(np.int64) * len(period_labels) + arrays["period"].astype(
        np.int64
    )
    size = 2 * len(period_labels)
    items: list[SummaryInput] = []
    for name in metrics:
        column = arrays[f"metric:{name}"]
        present = ~np.isnan(column)
        index = cells[present]
        data = column[present]
        counts = np.bincount(index, minlength=size)
        sums = np.bincount(index, weights=data, minlength=size)
        squares = np.bincount(index, weights=data * data, minlength=size)
        binary = bool(np.all((data == 0) | (data == 1))) if data.size else False
        for cell in range(size):
            if counts[cell] == 0:
                continue
            group, period = divmod(cell, len(period_labels))
            items.append(
                SummaryInput(
                    metric=name,
                    group=labels[group],
                    period=period_labels[period],
                    count=int(counts[cell]),
                    total=float(sums[cell]),
                    sum_of_squares=float(squares[cell]),
                    successes=int(round(sums[cell])) if binary else None,
                )
            )
    return items


@transaction.atomic
def upload_save(
    *,
    actor: Any,
    experiment: Experiment,
    stream: IO[bytes],
    filename: str,
    progress: Callable[[int], None] | None = None,
) -> MeasurementUpload:
    """Read a per-unit file, replace the experiment's summaries of its metrics and keep the
    units as arrays for panel methods. All or nothing."""
    arrays, metrics, rows = upload_read(experiment, stream, filename, progress)
    items = summaries_from_arrays(experiment, arrays, metrics)
    problems: list[RowProblem] = []
    for item in items:
        where = f"{item.group}, {item.period}" if item.period else item.group
        for problem in summary_problems(experiment, 0, item):
            problems.append(
                RowProblem(
                    0,
                    item.metric,
                    where,
                    _("%(reason)s (%(count)s unit(s) in %(where)s)")
                    % {"reason": problem.reason, "count": item.count, "where": where},
                )
            )
    if problems:
        raise MeasurementProblems(problems, len(problems))
    summaries_save(actor=actor, experiment=experiment, items=items, source="upload")
    buffer = io.BytesIO()
    # numpy's stub reads a **dict as possibly filling its ``allow_pickle: bool`` keyword; the
    # keys here are column names ("unit", "metric:…"), never that one.
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    upload = MeasurementUpload(
        experiment=experiment,
        filename=filename[:255],
        rows=rows,
        metrics=metrics,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    upload.arrays.save(
        f"experiment-{experiment.pk}.npz", ContentFile(buffer.getvalue()), save=False
    )
    upload.save()
    return upload


def upload_arrays(upload: MeasurementUpload) -> Arrays:
    with upload.arrays.open("rb") as handle:
        loaded = np.load(io.BytesIO(handle.read()), allow_pickle=False)
        return {key: loaded[key] for key in loaded.files}
