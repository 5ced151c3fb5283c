from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.check import Command as DjangoCheckCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from django.utils.translation import gettext as _

from omslag.common.commands import command_language


class Command(DjangoCheckCommand):
    help = "Check the configuration, the database connection and pending migrations."

    def execute(self, *args, **options):
        # Django's check command, so not an OmslagCommand: the language is chosen here.
        with translation.override(command_language()):
            return super().execute(*args, **options)

    def handle(self, *app_labels, **options):
        super().handle(*app_labels, **options)
        database = settings.DATABASES["default"]
        self.stdout.write(
            _("Database: %(engine)s %(name)s")
            % {"engine": database["ENGINE"].rsplit(".", 1)[-1], "name": database["NAME"]}
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:
            raise CommandError(
                _("The database cannot be reached: %(error)s") % {"error": error}
            ) from None
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(
                _("%(n)s migration(s) not applied; run `omslag migrate`.") % {"n": len(pending)}
            )
        on, off = _("on"), _("off")
        self.stdout.write(
            _("Debug: %(debug)s; demo: %(demo)s")
            % {"debug": on if settings.DEBUG else off, "demo": on if settings.DEMO else off}
        )
        self.stdout.write(f"Secret key: from {settings.SECRET_KEY_SOURCE}")
        if not settings.DEMO and not settings.SESSION_COOKIE_SECURE:
            self.stdout.write(self.style.WARNING(_("Session cookies are not marked secure.")))
        self.stdout.write(self.style.SUCCESS(_("omslag is healthy.")))
