"""Imports and exports of any registered kind of record, for the web, the API and the CLI."""

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omslag.common import audit
from omslag.common.errors import RuleViolation
from omslag.common.tabular.conversion import Conversion, ConversionInvalid
from omslag.common.tabular.formats import (
    CONTENT_TYPES,
    FORMATS,
    FileProblem,
    read_table,
    table_pieces,
    write_table_file,
)
from omslag.common.tabular.importing import ImportReport, ImportSpec, import_run
from omslag.common.tabular.registry import (
    DEFAULT_FORMAT,
    ExportSpec,
    export_spec,
    import_formats,
    import_spec,
)
from omslag.jobs import services as jobs
from omslag.jobs.models import Job
from omslag.organisations.models import Organisation

from .models import ColumnMapping, ImportJob
from .standards import StandardExport

# What a progress callback is given: the number of rows done since the last call.
Progress = Callable[[int], None]


def _spec(kind: str, fmt: str = DEFAULT_FORMAT) -> ImportSpec:
    spec = import_spec(kind, fmt)
    if spec is None:
        if import_spec(kind) is not None:
            raise RuleViolation(
                _("Unknown format %(fmt)s for %(kind)s; use one of: %(formats)s.")
                % {"fmt": fmt, "kind": kind, "formats": ", ".join(import_formats(kind))}
            )
        raise RuleViolation(_("Unknown kind of import: %(kind)s.") % {"kind": kind})
    return spec


def import_file(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    stream: IO[bytes],
    filename: str,
    mapping: ColumnMapping | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    fmt: str = DEFAULT_FORMAT,
    before_commit: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Read ``stream`` and import it all-or-nothing; FileProblem when it cannot be read."""
    spec = _spec(kind, fmt)
    table = read_table(stream, filename, max_bytes=settings.IMPORT_MAX_BYTES)
    report = import_run(
        spec,
        table,
        actor=actor,
        organisation=organisation,
        mapping=mapping.columns if mapping and not mapping.conversion else None,
        conversion=Conversion.from_dict(mapping.conversion)
        if mapping and mapping.conversion
        else None,
        dry_run=dry_run,
        progress=progress,
        before_commit=before_commit,
    )
    return report


def _job_report(report: ImportReport | None, problem: str = "") -> dict[str, Any]:
    """The report kept with the import (JSON in ``ImportJob.report``): the report's own
    figures and problems, and the problem that kept the file from being read."""
    if report is None:
        return {
            "ok": False,
            "file_problem": problem,
            "problems": [],
            "problems_total": 1,
            "rows_total": 0,
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "skipped": 0,
            "headers": [],
            "notes": [],
            "notes_total": 0,
        }
    return {**report.as_dict(), "file_problem": ""}


def _check(job: ImportJob, actor: Any, progress: Progress | None = None) -> ImportJob:
    job.file.open("rb")
    try:
        report = import_file(
            actor=actor,
            organisation=job.organisation,
            kind=job.kind,
            stream=job.file.file,
            filename=job.filename,
            mapping=job.mapping,
            dry_run=True,
            fmt=job.format,
            progress=progress,
        )
        job.report = _job_report(report)
    except FileProblem as problem:
        job.report = _job_report(None, problem.message)
    finally:
        job.file.close()
    job.status = ImportJob.Status.CHECKED if job.report["ok"] else ImportJob.Status.PROBLEMS
    return job


# A file is a django File (an upload, or a file the command line opened); quoted, as File is
# generic only in its type stubs.
def _file_name(upload: "File[bytes]") -> str:
    """The name the file is kept under; its extension tells how to read it."""
    if not upload.name:
        raise FileProblem(_("The file has no name; its extension says how to read it."))
    return get_valid_filename(upload.name)[:255]


def _size_check(upload: "File[bytes]") -> None:
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise FileProblem(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {
                "size": f"{upload.size / 1e6:.1f}",
                "limit": f"{settings.IMPORT_MAX_BYTES / 1e6:.1f}",
            }
        )


def import_job_check(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    upload: "File[bytes]",
    mapping: ColumnMapping | None = None,
    fmt: str = DEFAULT_FORMAT,
) -> ImportJob:
    """Store an uploaded file and check it with a dry run; nothing of the register changes.
    ``fmt`` is the layout of the file (``table``, or a register's own such as
    ``canada-snapshot``); it is kept with the job, so the confirmation reads it the same way."""
    _spec(kind, fmt)
    _size_check(upload)
    job = ImportJob(
        organisation=organisation,
        kind=kind,
        format=fmt,
        filename=_file_name(upload),
        mapping=mapping,
        created_by=actor,
    )
    job.file.save(job.filename, upload, save=False)
    _check(job, actor)
    job.save()
    return job


def import_job_recheck(*, actor: Any, job: ImportJob, mapping: ColumnMapping | None) -> ImportJob:
    if job.status == ImportJob.Status.IMPORTED:
        raise RuleViolation(_("This file has already been imported."))
    job.mapping = mapping
    _check(job, actor)
    job.save()
    return job


@transaction.atomic
def import_job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """Import a checked file for real; if the register changed since the check and the file no
    longer fits, nothing is saved and the new problems are reported."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status == ImportJob.Status.IMPORTED:
        raise RuleViolation(_("This file has already been imported."))
    if job.status != ImportJob.Status.CHECKED:
        raise RuleViolation(_("Fix the problems in the file and upload it again."))
    job.file.open("rb")
    try:
        report = import_file(
            actor=actor,
            organisation=job.organisation,
            kind=job.kind,
            stream=job.file.file,
            filename=job.filename,
            mapping=job.mapping,
            dry_run=False,
            fmt=job.format,
        )
    finally:
        job.file.close()
    job.report = _job_report(report)
    if report.ok:
        job.status = ImportJob.Status.IMPORTED
        job.imported_at = timezone.now()
    else:
        job.status = ImportJob.Status.PROBLEMS
    job.save()
    return job


# Background work (omslag.jobs): the web page stores the upload and returns at once; a worker
# checks the file, and after the confirmation imports it. The kinds are registered in
# registrations.py.
JOB_IMPORT_CHECK = "import-check"
JOB_IMPORT = "import"


def import_upload(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    upload: "File[bytes]",
    mapping: ColumnMapping | None = None,
    fmt: str = DEFAULT_FORMAT,
) -> ImportJob:
    """Store an uploaded file (already streamed to disk) and queue its check as a job."""
    _spec(kind, fmt)
    _size_check(upload)
    import_job = ImportJob(
        organisation=organisation,
        kind=kind,
        format=fmt,
        filename=_file_name(upload),
        mapping=mapping,
        created_by=actor,
        status=ImportJob.Status.CHECKING,
    )
    import_job.file.save(import_job.filename, upload, save=False)
    import_job.save()
    return _job_start(JOB_IMPORT_CHECK, actor, import_job)


def import_queue(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    upload: "File[bytes]",
    mapping: ColumnMapping | None = None,
    fmt: str = DEFAULT_FORMAT,
    dry_run: bool = False,
) -> ImportJob:
    """Store a file and queue its import (check and save in one job, all rows or none), or
    only its check with ``dry_run``: for ``omslag import --queue``."""
    _spec(kind, fmt)
    _size_check(upload)
    import_job = ImportJob(
        organisation=organisation,
        kind=kind,
        format=fmt,
        filename=_file_name(upload),
        mapping=mapping,
        created_by=actor,
        status=ImportJob.Status.CHECKING if dry_run else ImportJob.Status.IMPORTING,
    )
    import_job.file.save(import_job.filename, upload, save=False)
    import_job.save()
    return _job_start(JOB_IMPORT_CHECK if dry_run else JOB_IMPORT, actor, import_job)


def import_recheck_start(*, actor: Any, job: ImportJob, mapping: ColumnMapping | None) -> ImportJob:
    """Check the file again with another column mapping, as a job."""
    if job.status in (ImportJob.Status.IMPORTED, ImportJob.Status.IMPORTING):
        raise RuleViolation(_("This file has already been imported."))
    ImportJob.objects.filter(pk=job.pk).update(mapping=mapping, status=ImportJob.Status.CHECKING)
    job.refresh_from_db()
    return _job_start(JOB_IMPORT_CHECK, actor, job)


def import_confirm_start(*, actor: Any, job: ImportJob) -> ImportJob:
    """Queue the import of a checked file; an import whose job stopped may be started again."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.IMPORTING
    )
    if not claimed:
        job.refresh_from_db()
        if job.status == ImportJob.Status.IMPORTED:
            raise RuleViolation(_("This file has already been imported."))
        stopped = job.status == ImportJob.Status.IMPORTING and (job.job is None or job.job.finished)
        if not stopped:
            if job.status == ImportJob.Status.IMPORTING:
                raise RuleViolation(_("This file is being imported."))
            raise RuleViolation(_("Fix the problems in the file and upload it again."))
    return _job_start(JOB_IMPORT, actor, job)


def _job_start(kind: str, actor: Any, import_job: ImportJob) -> ImportJob:
    work = jobs.start(
        kind, person=actor, organisation=import_job.organisation, **{"import": import_job.pk}
    )
    ImportJob.objects.filter(pk=import_job.pk).update(job=work)
    import_job.refresh_from_db()
    return import_job


def _job_progress(work: Job, import_job: ImportJob) -> Progress:
    """A progress callback for ``import_file``: the bar follows the bytes read of the file,
    the text the rows."""
    size = import_job.file.size or 1
    rows = 0

    def step(count: int) -> None:
        nonlocal rows
        rows += count
        read = min(size, import_job.file.file.tell()) if not import_job.file.closed else size
        message = ngettext("%(n)s row checked", "%(n)s rows checked", rows) % {"n": rows}
        jobs.progress(work, read, size, message=message)

    return step


def import_check_run(work: Job) -> dict[str, int]:
    """The work of a check job: a dry run of the whole file."""
    import_job = ImportJob.objects.select_related("organisation", "mapping").get(
        pk=work.params["import"]
    )
    try:
        _check(import_job, work.person, progress=_job_progress(work, import_job))
    except jobs.Cancelled:
        ImportJob.objects.filter(pk=import_job.pk).update(
            status=ImportJob.Status.PROBLEMS,
            report=_job_report(None, _("The check was cancelled; upload the file again.")),
        )
        raise
    import_job.save(update_fields=["status", "report"])
    return _job_outcome(import_job)


def import_run_job(work: Job) -> dict[str, int]:
    """The work of an import job: every row or none. The rows, the import's new status and the
    job's "done" are committed together, so a job that is run again after a dead worker never
    imports twice, and a job is never failed next to saved rows."""
    import_job = ImportJob.objects.select_related("organisation", "mapping").get(
        pk=work.params["import"]
    )
    if import_job.status == ImportJob.Status.IMPORTED:
        return _job_outcome(import_job)

    def record(report: ImportReport) -> None:
        ImportJob.objects.filter(pk=import_job.pk).update(
            status=ImportJob.Status.IMPORTED,
            report=_job_report(report),
            imported_at=timezone.now(),
        )
        import_job.refresh_from_db(fields=["status", "report"])
        # In the same transaction as the rows: done if and only if they are saved.
        jobs.done_in_work(work, _job_outcome(import_job))

    import_job.file.open("rb")
    try:
        report = import_file(
            actor=work.person,
            organisation=import_job.organisation,
            kind=import_job.kind,
            stream=import_job.file.file,
            filename=import_job.filename,
            mapping=import_job.mapping,
            fmt=import_job.format,
            progress=_job_progress(work, import_job),
            before_commit=record,
        )
    except FileProblem as problem:
        import_job.report = _job_report(None, problem.message)
        report = None
    except BaseException:  # cancelled or broken: the file may be imported again
        ImportJob.objects.filter(pk=import_job.pk).update(status=ImportJob.Status.CHECKED)
        raise
    finally:
        import_job.file.close()
    if report is not None and report.ok:
        import_job.refresh_from_db()
        return _job_outcome(import_job)
    if report is not None:
        import_job.report = _job_report(report)
    import_job.status = ImportJob.Status.PROBLEMS
    import_job.save(update_fields=["status", "report"])
    return _job_outcome(import_job)


def _job_outcome(import_job: ImportJob) -> dict[str, int]:
    """The job's result, or JobFailed with the file's problems (values already shortened)."""
    report = import_job.report
    if import_job.status == ImportJob.Status.PROBLEMS:
        if report.get("file_problem"):
            raise jobs.JobFailed(report["file_problem"], [{"reason": report["file_problem"]}], 1)
        total = report.get("problems_total", 0)
        raise jobs.JobFailed(
            ngettext(
                "The file has %(n)s problem; nothing was saved.",
                "The file has %(n)s problems; nothing was saved.",
                total,
            )
            % {"n": total},
            report.get("problems", []),
            total,
        )
    counts = {key: report.get(key, 0) for key in ("created", "updated", "unchanged", "skipped")}
    return {"import": import_job.pk, "rows": report.get("rows_total", 0), **counts}


@dataclass
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    rows: int


@dataclass
class ExportStream:
    """An export on its way: ``pieces`` are the file's bytes a piece at a time (CSV and JSON
    row by row from a server-side cursor; XLSX and ODS as one piece, an inline export being
    small). The audit entry is written once the pieces have been read or abandoned."""

    pieces: Iterator[bytes]
    filename: str
    content_type: str


# Rows fetched per round trip of the server-side cursor that reads an export.
EXPORT_FETCH_ROWS = 2_000


def _export_spec_checked(kind: str, fmt: str) -> ExportSpec:
    spec = export_spec(kind)
    if spec is None:
        raise RuleViolation(_("Unknown kind of export: %(kind)s.") % {"kind": kind})
    if fmt not in FORMATS:
        raise RuleViolation(
            _("Unknown format %(fmt)s; use one of %(formats)s.")
            % {"fmt": fmt, "formats": ", ".join(FORMATS)}
        )
    return spec


class _RowsRead:
    """The register's rows as the export writes them, read through a server-side cursor
    (``QuerySet.iterator``) so that no more than one fetch of records is in memory; counts
    them for the audit entry and reports each to ``progress``."""

    def __init__(
        self,
        spec: ExportSpec,
        person: Any,
        organisation: Organisation,
        options: dict[str, Any] | None,
        progress: Progress | None,
    ) -> None:
        self.spec, self.options, self.progress = spec, options, progress
        self.records: Iterable[Any] = spec.records(person, organisation, options)
        self.count = 0

    def __iter__(self) -> Iterator[list[Any]]:
        records: Iterator[Any]
        if isinstance(self.records, QuerySet):
            records = self.records.iterator(chunk_size=EXPORT_FETCH_ROWS)
        else:
            records = iter(self.records)
        values, options, progress = self.spec.values, self.options, self.progress
        prepare = self.spec.prepare_fetch
        while fetch := list(islice(records, EXPORT_FETCH_ROWS)):
            if prepare:
                prepare(fetch)
            for record in fetch:
                yield values(record, options)
                self.count += 1
                if progress:
                    progress(1)


def _export_audit(
    *, person: Any, organisation: Organisation, kind: str, fmt: str, rows: int
) -> None:
    audit.record(
        "register_exported",
        person=person,
        organisation=organisation,
        detail={"kind": kind, "format": fmt, "rows": rows},
    )


def _export_filename(kind: str, organisation: Organisation, fmt: str) -> str:
    return f"{kind}-{organisation.slug}-{timezone.localdate().isoformat()}.{fmt}"


def export_write(
    *,
    person: Any,
    organisation: Organisation,
    kind: str,
    fmt: str,
    target: IO[bytes],
    progress: Progress | None = None,
    options: dict[str, Any] | None = None,
) -> int:
    """Write the export of ``kind`` in ``fmt`` into the binary file ``target`` in bounded
    memory (see ``write_table_file``; ODS excepted) and record it; the number of rows."""
    spec = _export_spec_checked(kind, fmt)
    rows = _RowsRead(spec, person, organisation, options, progress)
    write_table_file(spec.headers(options), rows, fmt, target)
    _export_audit(person=person, organisation=organisation, kind=kind, fmt=fmt, rows=rows.count)
    return rows.count


def export_stream(
    *,
    person: Any,
    organisation: Organisation,
    kind: str,
    fmt: str,
    options: dict[str, Any] | None = None,
) -> ExportStream:
    """The export for a response that sends it as it is written (StreamingHttpResponse)."""
    spec = _export_spec_checked(kind, fmt)
    filename = _export_filename(kind, organisation, fmt)
    if fmt not in ("csv", "json"):
        exported = export_file(
            person=person, organisation=organisation, kind=kind, fmt=fmt, options=options
        )
        return ExportStream(iter([exported.content]), filename, CONTENT_TYPES[fmt])
    rows = _RowsRead(spec, person, organisation, options, None)

    def pieces() -> Iterator[bytes]:
        # Recorded also when the download is broken off (the generator is closed): what
        # was sent until then has left the organisation.
        try:
            yield from table_pieces(spec.headers(options), rows, fmt)
        finally:
            _export_audit(
                person=person, organisation=organisation, kind=kind, fmt=fmt, rows=rows.count
            )

    return ExportStream(pieces(), filename, CONTENT_TYPES[fmt])


def export_file(
    *,
    person: Any,
    organisation: Organisation,
    kind: str,
    fmt: str,
    progress: Progress | None = None,
    options: dict[str, Any] | None = None,
) -> ExportFile:
    """The whole export as bytes (the command line's file, tests): the same writer as the
    streamed and the job's exports."""
    target = io.BytesIO()
    rows = export_write(
        person=person,
        organisation=organisation,
        kind=kind,
        fmt=fmt,
        target=target,
        progress=progress,
        options=options,
    )
    return ExportFile(
        content=target.getvalue(),
        filename=_export_filename(kind, organisation, fmt),
        content_type=CONTENT_TYPES[fmt],
        rows=rows,
    )


def standard_file(
    *, person: Any, organisation: Organisation | None, spec: StandardExport, fmt: str
) -> tuple[bytes, int]:
    """A whole register in an external standard's shape (``spec`` from
    ``exchange.standards``), recorded in the audit log like every export of a register."""
    content, count = spec.write(person, organisation, fmt)
    audit.record(
        "register_exported",
        person=person,
        organisation=organisation,
        detail={"kind": spec.kind, "standard": spec.standard, "format": fmt, "rows": count},
    )
    return content, count


def column_mapping_save(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    name: str,
    columns: dict[str, str] | None = None,
    conversion: dict[str, Any] | None = None,
) -> ColumnMapping:
    """Create or replace the named mapping: a renaming of columns, or a full ``conversion``
    (common.tabular.conversion); every target must be a column of the register."""
    spec = _spec(kind)
    valid = {c.name for c in spec.columns}
    if conversion:
        try:
            parsed = Conversion.from_dict(conversion)
        except ConversionInvalid as invalid:
            raise RuleViolation(
                _("The conversion is not right at %(where)s: %(message)s")
                % {"where": invalid.where or "(top)", "message": invalid.message}
            ) from None
        targets = set(parsed.headers_out())
        columns = {rule.source: rule.to or "" for rule in parsed.columns}
        conversion = parsed.to_dict()
    else:
        columns = columns or {}
        targets = {target for target in columns.values() if target}
    wrong = sorted(targets - valid)
    if wrong:
        raise RuleViolation(
            _("Unknown target column(s): %(wrong)s; use one of: %(valid)s.")
            % {"wrong": ", ".join(wrong), "valid": ", ".join(sorted(valid))}
        )
    mapping = ColumnMapping.objects.filter(organisation=organisation, kind=kind, name=name).first()
    if mapping is None:
        mapping = ColumnMapping(organisation=organisation, kind=kind, name=name, created_by=actor)
    mapping.columns = {source.strip(): target for source, target in columns.items()}
    mapping.conversion = conversion or {}
    mapping.full_clean()
    mapping.save()
    return mapping


def column_mapping_delete(*, mapping: ColumnMapping) -> None:
    """Delete a saved mapping; imports that used it keep their report (their link is cleared)."""
    mapping.delete()
