import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omslag.common.errors import DomainError
from omslag.exchange.cli import command_context
from omslag.leadership.report import REPORT_FORMATS, report_render
from omslag.leadership.report_job import board_report_start
from omslag.leadership.selectors import dashboard_for


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of takes a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Write the board report of an organisation: the board dashboard as PDF, XLSX, ODS or "
        "JSON (the JSON is the document of GET /api/v1/organisations/{slug}/dashboard)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["board"], help="the report to write")
        parser.add_argument("--org", required=True, help="the organisation's short name")
        parser.add_argument(
            "--with-children", action="store_true", help="add the organisations below it"
        )
        parser.add_argument("--as-of", help="the date the figures are as of (default today)")
        parser.add_argument("--format", choices=REPORT_FORMATS, required=True)
        parser.add_argument("-o", "--output", help="the file to write (not with --queue)")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="hand the report to a worker (omslag worker) and print the job's number; the "
            "file is downloaded from the job's page or GET /api/v1/jobs/{id}/file",
        )

    def handle(self, *args, org, with_children, as_of, format, output, queue, **options):
        organisation, _actor = command_context(org, None)
        if queue:
            return self.queue(organisation, with_children, as_of, format)
        if not output:
            raise CommandError("Name the file to write with -o FILE (or use --queue).")
        try:
            board = dashboard_for(
                person=None,
                organisation=organisation,
                with_children=with_children,
                as_of=_date(as_of) if as_of else None,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        content, _content_type = report_render(board, format)
        Path(output).write_bytes(content)
        self.stdout.write(f"Wrote the board report of {organisation.slug} to {output}.")

    def queue(self, organisation, with_children, as_of, fmt):
        try:
            job = board_report_start(
                person=None,
                organisation=organisation,
                with_children=with_children,
                as_of=_date(as_of) if as_of else None,
                fmt=fmt,
                operator=True,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Queued as job {job.pk}; omslag worker does it.")
