import time
from pathlib import Path
from types import SimpleNamespace

from django.core.files import File
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.common.errors import DomainError
from omslag.common.progress import progress_bar
from omslag.common.tabular.registry import (
    document_import,
    document_kinds,
    import_kinds,
    targeted_import,
    targeted_kinds,
)
from omslag.exchange import services
from omslag.exchange.cli import command_context
from omslag.exchange.models import ColumnMapping


def row_line(problem) -> str:
    """'row 3, column amount (value 'x'): reason' in the language of the command line; a note
    about the whole file (row 0) names only the column."""
    if problem.row and problem.column:
        where = _("row %(row)s, column %(column)s") % {
            "row": problem.row,
            "column": problem.column,
        }
    elif problem.row:
        where = _("row %(row)s") % {"row": problem.row}
    else:
        where = problem.column
    value = _(" (value %(value)r)") % {"value": problem.value} if problem.value else ""
    return f"{where}{value}: {problem.reason}"


def _problem(problem: dict) -> dict:
    return {
        "row": problem.get("row") or 0,
        "column": problem.get("column", ""),
        "value": problem.get("value", ""),
        "reason": problem.get("reason", ""),
    }


class Command(OmslagCommand):
    help = "Import a file (CSV, XLSX, ODS or JSON) into a register, all rows or none."

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", help="what the file holds: " + ", ".join([*import_kinds(), *targeted_kinds()])
        )
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", help="short name of the organisation (registers)")
        parser.add_argument("--experiment", type=int, help="id of the experiment (measurements)")
        parser.add_argument(
            "--format",
            default="table",
            dest="file_format",
            help="the file's layout: table (omslag's columns, the default) or a register's own "
            "layout, e.g. canada-snapshot for projects",
        )
        parser.add_argument("--mapping", help="name of a saved column mapping")
        parser.add_argument("--dry-run", action="store_true", help="check only; save nothing")
        parser.add_argument("--actor", help="e-mail address recorded in the history as the author")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="hand the import to a worker (omslag worker) and print the job's number",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="hand the import to a worker and follow it here until it has finished",
        )

    def handle(
        self, *args, kind, file, org, mapping, dry_run, actor, file_format, queue, wait, **options
    ):
        targeted = targeted_import(kind)
        document = document_import(kind)
        if kind not in import_kinds() and targeted is None and document is None:
            known = ", ".join([*import_kinds(), *targeted_kinds(), *document_kinds()])
            raise CommandError(
                _("Unknown kind %(kind)r; use one of: %(known)s.") % {"kind": kind, "known": known}
            )
        if document is not None and document.directory:
            if not file.is_dir():
                raise CommandError(_("No such directory: %(path)s") % {"path": file})
        elif not file.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        if targeted is not None:
            return self.import_targeted(targeted, file, options, actor, dry_run)
        if document is not None:
            return self.import_document(document, file, file_format, actor, dry_run)
        if not org:
            raise CommandError(_("Importing %(kind)s needs --org SLUG.") % {"kind": kind})
        organisation, person = command_context(org, actor)
        column_mapping = None
        if mapping:
            column_mapping = ColumnMapping.objects.filter(
                organisation=organisation, kind=kind, name=mapping
            ).first()
            if column_mapping is None:
                raise CommandError(
                    _("No column mapping %(name)r for %(kind)s in %(org)s.")
                    % {"name": mapping, "kind": kind, "org": org}
                )
        if queue or wait:
            return self.import_queued(
                kind, file, organisation, person, column_mapping, file_format, dry_run, wait
            )
        checking = _("Checking %(name)s") % {"name": file.name}
        with file.open("rb") as stream, progress_bar(checking) as bar:
            try:
                report = services.import_file(
                    actor=person,
                    organisation=organisation,
                    kind=kind,
                    stream=stream,
                    filename=file.name,
                    mapping=column_mapping,
                    dry_run=dry_run,
                    progress=bar.update,
                    fmt=file_format,
                )
            except DomainError as error:
                raise CommandError(f"{file}: {error.message}") from None
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"{file}: {row_line(problem)}")
            if report.problems_total > len(report.problems):
                more = report.problems_total - len(report.problems)
                self.stderr.write(_("... and %(n)s more.") % {"n": more})
            raise CommandError(
                _("%(n)s problem(s); nothing was saved.") % {"n": report.problems_total}
            )
        counts = {
            "rows": report.rows_total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "skipped": report.skipped,
        }
        if dry_run:
            summary = _(
                "Would import %(rows)s row(s): %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(skipped)s skipped."
            )
        else:
            summary = _(
                "Imported %(rows)s row(s): %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(skipped)s skipped."
            )
        self.stdout.write(self.style.SUCCESS(summary % counts))
        for note in report.notes:
            self.stdout.write(f"{file}: {row_line(note)}")
        if report.notes_total > len(report.notes):
            more = report.notes_total - len(report.notes)
            self.stdout.write(_("... and %(n)s more notes.") % {"n": more})

    def import_queued(self, kind, file, organisation, person, mapping, file_format, dry_run, wait):
        """Store the file and queue the import as a job; with --wait, follow it with a bar."""
        with file.open("rb") as stream:
            try:
                import_job = services.import_queue(
                    actor=person,
                    organisation=organisation,
                    kind=kind,
                    upload=File(stream, name=file.name),
                    mapping=mapping,
                    fmt=file_format,
                    dry_run=dry_run,
                )
            except DomainError as error:
                raise CommandError(f"{file}: {error.message}") from None
        work = import_job.job
        self.stdout.write(_("Queued as job %(id)s; omslag worker does it.") % {"id": work.pk})
        if not wait:
            return
        following = _("Importing %(name)s") % {"name": file.name}
        with progress_bar(following, total=100) as bar:
            while not work.finished:
                time.sleep(0.5)
                work.refresh_from_db()
                bar.n = work.percent or 0
                bar.refresh()
        for problem in work.problems:
            self.stderr.write(f"{file}: {row_line(SimpleNamespace(**_problem(problem)))}")
        if work.problems_total > len(work.problems):
            more = work.problems_total - len(work.problems)
            self.stderr.write(_("... and %(n)s more.") % {"n": more})
        if work.status != work.Status.DONE:
            raise CommandError(f"{file}: {work.message}")
        if dry_run:
            summary = _(
                "Would import %(rows)s row(s): %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(skipped)s skipped."
            )
        else:
            summary = _(
                "Imported %(rows)s row(s): %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(skipped)s skipped."
            )
        self.stdout.write(self.style.SUCCESS(summary % work.result))

    def import_targeted(self, targeted, file, options, actor, dry_run):
        target = options.get(targeted.target_option)
        if target is None:
            raise CommandError(
                _("Importing %(kind)s needs --%(option)s ID.")
                % {"kind": targeted.kind, "option": targeted.target_option}
            )
        _organisation, person = command_context(None, actor)
        reading = _("Reading %(name)s") % {"name": file.name}
        with file.open("rb") as stream, progress_bar(reading) as bar:
            try:
                summary = targeted.run(target, stream, file.name, person, dry_run, bar.update)
            except DomainError as error:
                for problem in getattr(error, "problems", []):
                    self.stderr.write(f"{file}: {row_line(problem)}")
                raise CommandError(f"{file}: {error.message}") from None
        self.stdout.write(self.style.SUCCESS(summary))

    def import_document(self, document, file, file_format, actor, dry_run):
        """A whole document for no organisation (an assessment template): every problem is
        listed with its place in the file."""
        if document.directory:  # a directory of files (the Algoritmekader): run gets the path
            return self.import_directory(document, file, actor, dry_run)
        if file_format not in document.formats:
            raise CommandError(
                _("Importing %(kind)s needs --format, one of: %(formats)s.")
                % {"kind": document.kind, "formats": ", ".join(document.formats)}
            )
        _organisation, person = command_context(None, actor)
        with file.open("rb") as stream:
            try:
                summary = document.run(stream, file.name, person, dry_run, file_format)
            except DomainError as error:
                for problem in getattr(error, "problems", []):
                    self.stderr.write(f"{file}: {problem}")
                raise CommandError(f"{file}: {error.message}") from None
        self.stdout.write(self.style.SUCCESS(summary))

    def import_directory(self, document, directory, actor, dry_run):
        _organisation, person = command_context(None, actor)
        try:
            summary = document.run(directory, directory.name, person, dry_run, None)
        except DomainError as error:
            for problem in getattr(error, "problems", []):
                self.stderr.write(f"{directory}: {problem}")
            raise CommandError(f"{directory}: {error.message}") from None
        self.stdout.write(self.style.SUCCESS(summary))
