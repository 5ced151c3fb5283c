"""`omslag restore FILE --yes`: put a backup made by `omslag backup` in place of the database."""

from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from omslag.common.backup import BackupError, backup_restore, database_has_content
from omslag.common.commands import OmslagCommand


class Command(OmslagCommand):
    help = (
        "Replace the database's content with a backup made by `omslag backup` (stop the web "
        "server and the worker first). --yes is needed when the database holds data."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the backup file to restore")
        parser.add_argument(
            "--yes", action="store_true", help="replace a database that already holds data"
        )

    def handle(self, *args, file, yes, **options):
        try:
            if not yes and database_has_content():
                raise CommandError(
                    _(
                        "The database already holds data, which the restore replaces. Stop "
                        "omslag, make a backup of it if you may need it, and run the command "
                        "again with --yes."
                    )
                )
            connection.close()
            engine = backup_restore(file)
        except BackupError as error:
            raise CommandError(error.message) from None
        connection.close()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        self.stdout.write(
            _("The %(engine)s database was restored from %(path)s.")
            % {"engine": engine, "path": file}
        )
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The backup is older than this version of omslag: %(n)s migration(s) "
                        "not applied; run `omslag migrate`."
                    )
                    % {"n": len(pending)}
                )
            )
