import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.common.errors import DomainError, RuleViolation
from omslag.common.progress import progress_bar
from omslag.common.tabular.formats import FORMATS
from omslag.common.tabular.registry import document_export, document_kinds, export_kinds
from omslag.exchange import exports, services
from omslag.exchange.cli import Operator, command_context
from omslag.exchange.options import export_option, folder_export
from omslag.exchange.standards import standard_export, standard_export_names


class Command(OmslagCommand):
    help = "Export a register as CSV, XLSX, ODS or JSON (to a file or standard output)."

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", help="what to export: " + ", ".join(export_kinds()) + ", open (a folder)"
        )
        parser.add_argument("--org", help="short name of the organisation")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "-o", "--output", type=Path, help="file to write (open: a folder); default: stdout"
        )
        parser.add_argument(
            "--base-url",
            default="http://localhost:8000",
            help="open: the site's address, for the catalogue's links",
        )
        parser.add_argument(
            "--reference-class", help="projects: add the forecast P50/P80/P90 from this class"
        )
        parser.add_argument(
            "--standard",
            help="write in an external standard's shape: " + ", ".join(standard_export_names()),
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="hand the export to a worker (omslag worker) and print the job's number",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="hand the export to a worker, follow it here and write its file to -o",
        )

    def handle(
        self, *args, kind, org, format, output, reference_class, standard, queue, wait, **options
    ):
        writer = folder_export(kind)
        if writer is not None:
            return self.export_folder(writer, org, format, output, options["base_url"])
        if standard:
            return self.export_standard(kind, standard, org, format, output)
        document = document_export(kind)
        if document is not None:
            return self.export_document(document, format, output)
        if kind not in export_kinds():
            known = ", ".join([*export_kinds(), *document_kinds()])
            raise CommandError(
                _("Unknown kind %(kind)r; use one of: %(known)s.") % {"kind": kind, "known": known}
            )
        if not org:
            raise CommandError(_("Exporting %(kind)s needs --org SLUG.") % {"kind": kind})
        organisation, _person = command_context(org, None)
        export_options = {}
        if reference_class:
            export_options["reference_class"] = self.reference_class(
                kind, organisation, reference_class
            )
        if queue or wait:
            return self.export_queued(kind, organisation, format, output, export_options, wait)
        with (
            progress_bar(_("Exporting %(kind)s") % {"kind": kind}) as bar,
            _written_to(output) as target,
        ):
            try:
                rows = services.export_write(
                    person=Operator(),
                    organisation=organisation,
                    kind=kind,
                    fmt=format,
                    target=target,
                    progress=bar.update,
                    options=export_options,
                )
            except DomainError as error:
                raise CommandError(error.message) from None
        if output:
            self.note(_("Wrote %(n)s row(s) to %(path)s.") % {"n": rows, "path": output})

    def export_queued(self, kind, organisation, fmt, output, export_options, wait):
        """Queue the export as a job; with --wait, follow it with a bar and write the file."""
        if wait and not output:
            raise CommandError(_("--wait writes the file: name it with -o FILE."))
        reference_class = export_options.get("reference_class")
        try:
            work = exports.export_start(
                person=None,
                organisation=organisation,
                kind=kind,
                fmt=fmt,
                reference_class_id=reference_class.pk if reference_class else None,
                operator=True,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(_("Queued as job %(id)s; omslag worker does it.") % {"id": work.pk})
        if not wait:
            return
        with progress_bar(_("Exporting %(kind)s") % {"kind": kind}, total=100) as bar:
            while not work.finished:
                time.sleep(0.5)
                work.refresh_from_db()
                bar.n = work.percent or 0
                bar.refresh()
        if work.status != work.Status.DONE:
            raise CommandError(work.message)
        with work.file.open("rb") as stream, output.open("wb") as written:
            shutil.copyfileobj(stream, written)
        self.note(_("Wrote %(n)s row(s) to %(path)s.") % {"n": work.result["rows"], "path": output})

    def export_folder(self, writer, org, fmt, output, base_url):
        """A folder of files (e.g. every public dataset of the organisation and the catalogue)."""
        if not org or not output:
            raise CommandError(_("This export needs --org SLUG and -o FOLDER."))
        organisation, _person = command_context(org, None)
        written = writer(organisation, fmt, output, base_url)
        self.note(_("Wrote %(n)s file(s) to %(path)s.") % {"n": len(written), "path": output})

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
            raise CommandError(
                _("No export of %(kind)s in standard %(standard)r; known: %(known)s.")
                % {"kind": kind, "standard": standard, "known": known}
            )
        if fmt not in spec.formats:
            raise CommandError(
                _("The %(standard)s standard is written as %(formats)s.")
                % {"standard": standard, "formats": ", ".join(spec.formats)}
            )
        if spec.needs_organisation and not org:
            raise CommandError(_("Exporting %(kind)s needs --org SLUG.") % {"kind": kind})
        organisation, _person = command_context(org, None)
        try:
            content, count = services.standard_file(
                person=Operator(), organisation=organisation, spec=spec, fmt=fmt
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        if output:
            output.write_bytes(content)
            self.note(_("Wrote %(n)s record(s) to %(path)s.") % {"n": count, "path": output})
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()

    def export_document(self, document, fmt, output):
        """An export that belongs to no organisation (e.g. the assessment templates)."""
        if fmt not in document.formats:
            raise CommandError(
                _("%(kind)s is exported as: %(formats)s.")
                % {"kind": document.kind, "formats": ", ".join(document.formats)}
            )
        content = document.run(fmt)
        if output:
            output.write_bytes(content)
            self.note(_("Wrote %(path)s.") % {"path": output})
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()


@contextmanager
def _written_to(output: Path | None):
    """Where an export is written as its rows are read (bounded memory): standard output, or
    a file beside ``output`` that takes its name only when complete (a failed export leaves
    no half-written file)."""
    if not output:
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    with tempfile.NamedTemporaryFile(
        dir=output.parent, prefix=f".{output.name}.", delete=False
    ) as part:
        try:
            yield part
        except BaseException:
            part.close()
            Path(part.name).unlink()
            raise
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(part.name, 0o666 & ~umask)  # as a plainly written file (a temporary one is 0600)
    os.replace(part.name, output)
