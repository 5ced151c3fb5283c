import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.common.errors import DomainError
from omslag.exchange.cli import command_context
from omslag.projects import selectors, services


class Command(OmslagCommand):
    help = (
        "Forecast the cost of every running project of an organisation (and those below it) "
        "with a reference class, and the portfolio total by Monte Carlo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--reference-class", required=True)
        parser.add_argument("--seed", type=int, help="makes the Monte Carlo repeatable")
        parser.add_argument("--iterations", type=int, default=10_000)
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument(
            "--include-no-longer-reported",
            action="store_true",
            help="also add up projects their register no longer reports (left out by default)",
        )

    def handle(self, *args, org, reference_class, seed, iterations, **options):
        if iterations < 100:
            raise CommandError(_("--iterations must be at least 100."))
        organisation, _actor = command_context(org, None)
        try:
            chosen = services.reference_class_named(organisation, reference_class)
            result = selectors.forecast_report(
                organisation,
                chosen,
                seed=seed,
                iterations=iterations,
                include_no_longer_reported=options["include_no_longer_reported"],
            )
        except (DomainError, ValueError) as error:
            raise CommandError(getattr(error, "message", str(error))) from None
        self.stdout.write(json.dumps(result, indent=2, default=str))
