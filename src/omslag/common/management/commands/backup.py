"""`omslag backup FILE`: a consistent copy of the database while omslag keeps running."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from omslag.common.backup import BackupError, backup_make
from omslag.common.commands import OmslagCommand


class Command(OmslagCommand):
    help = (
        "Back up the database to FILE while omslag runs: SQLite with its online backup API "
        "(checked with integrity_check), PostgreSQL with pg_dump --format=custom."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the backup file to write")

    def handle(self, *args, file, **options):
        try:
            result = backup_make(file)
        except BackupError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            _("Backup of the %(engine)s database written to %(path)s (%(size)s bytes).")
            % {"engine": result.engine, "path": result.path, "size": result.size}
        )
