import json

from django.core.management.base import BaseCommand, CommandError

from omslag.common.errors import DomainError
from omslag.exchange.cli import command_context
from omslag.projects import selectors, services


class Command(BaseCommand):
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

    def handle(self, *args, org, reference_class, seed, iterations, **options):
        if iterations < 100:
            raise CommandError("--iterations must be at least 100.")
        organisation, _actor = command_context(org, None)
        try:
            chosen = services.reference_class_named(organisation, reference_class)
            result = selectors.forecast_report(
                organisation, chosen, seed=seed, iterations=iterations
            )
        except (DomainError, ValueError) as error:
            raise CommandError(getattr(error, "message", str(error))) from None
        self.stdout.write(json.dumps(result, indent=2, default=str))
