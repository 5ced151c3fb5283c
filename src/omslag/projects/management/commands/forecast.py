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
        "with a reference class, and the portfolio total by Monte Carlo. Without --seed and "
        "--iterations the portfolio is the stored forecast the portfolio page shows; the "
        "command says as of when on standard error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--reference-class", required=True)
        parser.add_argument("--seed", type=int, help="makes the Monte Carlo repeatable")
        parser.add_argument(
            "--iterations",
            type=int,
            help="Monte Carlo draws (10,000 with a seed of one's own; without --seed and "
            "--iterations the stored forecast: seed 0, 5,000 draws)",
        )
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument(
            "--include-no-longer-reported",
            action="store_true",
            help="also add up projects their register no longer reports (left out by default)",
        )

    def handle(self, *args, org, reference_class, seed, iterations, **options):
        if iterations is not None and iterations < 100:
            raise CommandError(_("--iterations must be at least 100."))
        organisation, _actor = command_context(org, None)
        try:
            chosen = services.reference_class_named(organisation, reference_class)
            result = selectors.forecast_report(
                organisation,
                chosen,
                include_no_longer_reported=options["include_no_longer_reported"],
                selection=selectors.forecast_selection(seed, iterations),
            )
        except (DomainError, ValueError) as error:
            raise CommandError(getattr(error, "message", str(error))) from None
        self.stdout.write(json.dumps(result, indent=2, default=str))
        self.stderr.write(as_of_line(result["figures"]))


def as_of_line(figures: dict) -> str:
    """The portfolio figures' age in a sentence (standard error: standard output stays JSON)."""
    if not figures["stored"]:
        return _("Portfolio figures as of %(when)s, computed for this command.") % {
            "when": figures["asOf"]
        }
    line = _("Portfolio figures as of %(when)s, stored.") % {"when": figures["asOf"]}
    if figures["pending"]:
        line += " " + _("They are being updated after a recent change.")
    return line
