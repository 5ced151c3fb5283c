from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.common.errors import DomainError


class Command(OmslagCommand):
    help = (
        "Fill an empty database with an invented Dutch public sector at national scale "
        "(for load tests and benchmarks); --factor 1 is the whole country."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["national"], required=True)
        parser.add_argument(
            "--factor", type=float, default=1.0, help="share of the national size (1 = all)"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same data")
        parser.add_argument("--password", help="password of every seeded person")

    def handle(self, *args, scale, factor, seed, password, **options):
        from omslag.seed.national import DEFAULT_PASSWORD, LABELS, seed_national

        if not 0 < factor <= 10:
            raise CommandError(_("--factor must be above 0 and at most 10."))
        # A fresh OMSLAG_DATA_DIR or database has no tables yet: say what to do instead of
        # failing on the first query with a traceback.
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(
                _(
                    "The database is not ready: %(n)s migration(s) not applied. Run `omslag "
                    "migrate` first (with the same DATABASE_URL or OMSLAG_DATA_DIR), then seed."
                )
                % {"n": len(pending)}
            )
        try:
            result = seed_national(
                factor=factor,
                seed=seed,
                password=password or DEFAULT_PASSWORD,
                progress=self.note,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        for label, count in result.counts.items():
            self.stdout.write(f"{LABELS[label]}: {count:,}")
        self.stdout.write(_("Seeded in %(s)s s.") % {"s": result.seconds["total"]})
        self.stdout.write(
            _("Other stored figures refreshed: %(hook)s") % {"hook": result.figures_hook}
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Sign-in accounts (password for all: %(password)s)")
                % {"password": result.password}
            )
        )
        for email, role, organisations in result.sign_in:
            self.stdout.write(f"  {email}  {role}  {', '.join(organisations)}")
