from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omslag.common.errors import DomainError
from omslag.common.progress import progress_bar
from omslag.common.tabular.registry import import_kinds
from omslag.exchange import services
from omslag.exchange.cli import command_context
from omslag.exchange.models import ColumnMapping


class Command(BaseCommand):
    help = "Import a file (CSV, XLSX, ODS or JSON) into a register, all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file holds: " + ", ".join(import_kinds()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="short name of the organisation")
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
        if kind not in import_kinds():
            raise CommandError(f"Unknown kind {kind!r}; use one of: {', '.join(import_kinds())}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
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
                f"{report.updated} updated, {report.unchanged} unchanged."
            )
        )
