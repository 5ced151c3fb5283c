from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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


class Command(BaseCommand):
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

    def handle(self, *args, kind, file, org, mapping, dry_run, actor, file_format, **options):
        targeted = targeted_import(kind)
        document = document_import(kind)
        if kind not in import_kinds() and targeted is None and document is None:
            known = ", ".join([*import_kinds(), *targeted_kinds(), *document_kinds()])
            raise CommandError(f"Unknown kind {kind!r}; use one of: {known}.")
        if document is not None and document.directory:
            if not file.is_dir():
                raise CommandError(f"No such directory: {file}")
        elif not file.is_file():
            raise CommandError(f"No such file: {file}")
        if targeted is not None:
            return self.import_targeted(targeted, file, options, actor, dry_run)
        if document is not None:
            return self.import_document(document, file, file_format, actor, dry_run)
        if not org:
            raise CommandError(f"Importing {kind} needs --org SLUG.")
        organisation, person = command_context(org, actor)
        column_mapping = None
        if mapping:
            column_mapping = ColumnMapping.objects.filter(
                organisation=organisation, kind=kind, name=mapping
            ).first()
            if column_mapping is None:
                raise CommandError(f"No column mapping {mapping!r} for {kind} in {org}.")
        with file.open("rb") as stream, progress_bar(f"Checking {file.name}") as bar:
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
                column = f", column {problem.column}" if problem.column else ""
                value = f" (value {problem.value!r})" if problem.value else ""
                self.stderr.write(f"{file}: row {problem.row}{column}{value}: {problem.reason}")
            if report.problems_total > len(report.problems):
                self.stderr.write(f"... and {report.problems_total - len(report.problems)} more.")
            raise CommandError(f"{report.problems_total} problem(s); nothing was saved.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {report.rows_total} row(s): {report.created} created, "
                f"{report.updated} updated, {report.unchanged} unchanged, "
                f"{report.skipped} skipped."
            )
        )
        for note in report.notes:
            where = f"row {note.row}, column {note.column}" if note.row else note.column
            value = f" (value {note.value!r})" if note.value else ""
            self.stdout.write(f"{file}: {where}{value}: {note.reason}")
        if report.notes_total > len(report.notes):
            self.stdout.write(f"... and {report.notes_total - len(report.notes)} more notes.")

    def import_targeted(self, targeted, file, options, actor, dry_run):
        target = options.get(targeted.target_option)
        if target is None:
            raise CommandError(f"Importing {targeted.kind} needs --{targeted.target_option} ID.")
        _organisation, person = command_context(None, actor)
        with file.open("rb") as stream, progress_bar(f"Reading {file.name}") as bar:
            try:
                summary = targeted.run(target, stream, file.name, person, dry_run, bar.update)
            except DomainError as error:
                for problem in getattr(error, "problems", []):
                    column = f", column {problem.column}" if problem.column else ""
                    value = f" (value {problem.value!r})" if problem.value else ""
                    self.stderr.write(f"{file}: row {problem.row}{column}{value}: {problem.reason}")
                raise CommandError(f"{file}: {error.message}") from None
        self.stdout.write(self.style.SUCCESS(summary))

    def import_document(self, document, file, file_format, actor, dry_run):
        """A whole document for no organisation (an assessment template): every problem is
        listed with its place in the file."""
        if document.directory:  # a directory of files (the Algoritmekader): run gets the path
            return self.import_directory(document, file, actor, dry_run)
        if file_format not in document.formats:
            raise CommandError(
                f"Importing {document.kind} needs --format, one of: {', '.join(document.formats)}."
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
