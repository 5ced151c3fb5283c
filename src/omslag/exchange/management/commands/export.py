import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omslag.common.errors import DomainError, RuleViolation
from omslag.common.progress import progress_bar
from omslag.common.tabular.formats import FORMATS
from omslag.common.tabular.registry import document_export, document_kinds, export_kinds
from omslag.exchange import services
from omslag.exchange.cli import Operator, command_context
from omslag.exchange.options import export_option
from omslag.exchange.standards import standard_export, standard_export_names


class Command(BaseCommand):
    help = "Export a register as CSV, XLSX, ODS or JSON (to a file or standard output)."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what to export: " + ", ".join(export_kinds()))
        parser.add_argument("--org", help="short name of the organisation")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("-o", "--output", type=Path, help="file to write; default: stdout")
        parser.add_argument(
            "--reference-class", help="projects: add the forecast P50/P80/P90 from this class"
        )
        parser.add_argument(
            "--standard",
            help="write in an external standard's shape: " + ", ".join(standard_export_names()),
        )

    def handle(self, *args, kind, org, format, output, reference_class, standard, **options):
        if standard:
            return self.export_standard(kind, standard, org, format, output)
        document = document_export(kind)
        if document is not None:
            return self.export_document(document, format, output)
        if kind not in export_kinds():
            known = ", ".join([*export_kinds(), *document_kinds()])
            raise CommandError(f"Unknown kind {kind!r}; use one of: {known}.")
        if not org:
            raise CommandError(f"Exporting {kind} needs --org SLUG.")
        organisation, _person = command_context(org, None)
        export_options = {}
        if reference_class:
            export_options["reference_class"] = self.reference_class(
                kind, organisation, reference_class
            )
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

    def reference_class(self, kind, organisation, name):
        option = export_option(kind, "reference_class")
        if option is None:
            raise CommandError(f"Exporting {kind} takes no --reference-class.")
        try:
            return option.by_name(organisation, name)
        except RuleViolation as error:
            raise CommandError(error.message) from None

    def export_standard(self, kind, standard, org, fmt, output):
        spec = standard_export(kind, standard)
        if spec is None:
            known = ", ".join(standard_export_names()) or "none"
            raise CommandError(f"No export of {kind} in standard {standard!r}; known: {known}.")
        if fmt not in spec.formats:
            raise CommandError(f"The {standard} standard is written as {', '.join(spec.formats)}.")
        if spec.needs_organisation and not org:
            raise CommandError(f"Exporting {kind} needs --org SLUG.")
        organisation, _person = command_context(org, None)
        try:
            content, count = spec.write(Operator(), organisation, fmt)
        except DomainError as error:
            raise CommandError(error.message) from None
        if output:
            output.write_bytes(content)
            self.stderr.write(f"Wrote {count} record(s) to {output}.")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()

    def export_document(self, document, fmt, output):
        """An export that belongs to no organisation (e.g. the assessment templates)."""
        if fmt not in document.formats:
            raise CommandError(f"{document.kind} is exported as: {', '.join(document.formats)}.")
        content = document.run(fmt)
        if output:
            output.write_bytes(content)
            self.stderr.write(f"Wrote {output}.")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
