from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.check import Command as DjangoCheckCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(DjangoCheckCommand):
    help = "Check the configuration, the database connection and pending migrations."

    def handle(self, *app_labels, **options):
        super().handle(*app_labels, **options)
        database = settings.DATABASES["default"]
        self.stdout.write(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:
            raise CommandError(f"The database cannot be reached: {error}") from None
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(f"{len(pending)} migration(s) not applied; run `omslag migrate`.")
        self.stdout.write(
            f"Debug: {'on' if settings.DEBUG else 'off'}; demo: {'on' if settings.DEMO else 'off'}"
        )
        self.stdout.write(f"Secret key: from {settings.SECRET_KEY_SOURCE}")
        if not settings.DEMO and not settings.SESSION_COOKIE_SECURE:
            self.stdout.write(self.style.WARNING("Session cookies are not marked secure."))
        self.stdout.write(self.style.SUCCESS("omslag is healthy."))
