import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omslag.common.errors import DomainError
from omslag.common.progress import progress_bar
from omslag.common.tabular.formats import FORMATS
from omslag.common.tabular.registry import export_kinds
from omslag.exchange import services
from omslag.exchange.cli import Operator, command_context, reference_class_named


class Command(BaseCommand):
    help = "Export a register as CSV, XLSX, ODS or JSON (to a file or standard output)."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what to export: " + ", ".join(export_kinds()))
        parser.add_argument("--org", required=True, help="short name of the organisation")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("-o", "--output", type=Path, help="file to write; default: stdout")
        parser.add_argument(
            "--reference-class", help="projects: add the forecast P50/P80/P90 from this class"
        )

    def handle(self, *args, kind, org, format, output, reference_class, **options):
        if kind not in export_kinds():
            raise CommandError(f"Unknown kind {kind!r}; use one of: {', '.join(export_kinds())}.")
        organisation, _person = command_context(org, None)
        export_options = {}
        if reference_class:
            export_options["reference_class"] = reference_class_named(organisation, reference_class)
        with progress_bar(f"Exporting {kind}") as bar:
            try:
                exported = services.export_file(
                    person=Operator(),
                    organisation=organisation,
                    kind=kind,
                    fmt=format,
                    progress=bar.update,
                    options=export_options,
                )
            except DomainError as error:
                raise CommandError(error.message) from None
        if output:
            output.write_bytes(exported.content)
            self.stderr.write(f"Wrote {exported.rows} row(s) to {output}.")
        else:
            sys.stdout.buffer.write(exported.content)
            sys.stdout.flush()
