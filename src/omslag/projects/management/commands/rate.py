import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.exchange.cli import command_context
from omslag.projects import rates, services


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--as-of takes a date as YYYY-MM-DD, not %(text)r.") % {"text": text}
        ) from None


class Command(OmslagCommand):
    help = (
        "The exchange rates an organisation states, into its reporting currency: used wherever "
        "project amounts in several currencies are added up."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        state = sub.add_parser("set", help="state a rate: one unit of CURRENCY is RATE")
        state.add_argument("currency", help="ISO 4217 code, e.g. SEK")
        state.add_argument("rate", help="one unit of the currency in the reporting currency")
        state.add_argument("--org", required=True, help="short name of the organisation")
        state.add_argument("--as-of", help="the date the rate holds from (default today)")
        state.add_argument("--source", default="", help="where the rate comes from")
        state.add_argument("--actor", help="e-mail address recorded with the rate")
        listing = sub.add_parser("list", help="the rates that hold and every rate stated")
        listing.add_argument("--org", required=True)
        reporting = sub.add_parser("reporting", help="set the reporting currency")
        reporting.add_argument("currency")
        reporting.add_argument("--org", required=True)
        reporting.add_argument("--actor")

    def handle(self, *args, action, org, **options):
        organisation, actor = command_context(org, options.get("actor"))
        try:
            if action == "set":
                as_of = _date(options["as_of"]) if options.get("as_of") else None
                stated = services.exchange_rate_set(
                    actor=actor,
                    organisation=organisation,
                    currency=options["currency"],
                    rate=options["rate"],
                    as_of=as_of,
                    source=options["source"],
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Stated: 1 %(currency)s = %(rate)s %(reporting)s as of %(date)s.")
                        % {
                            "currency": stated.currency,
                            "rate": stated.rate.normalize(),
                            "reporting": stated.reporting_currency,
                            "date": stated.as_of.isoformat(),
                        }
                    )
                )
            elif action == "reporting":
                setting = services.reporting_currency_set(
                    actor=actor, organisation=organisation, currency=options["currency"]
                )
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Sums are now shown in %(currency)s.") % {"currency": setting.currency}
                    )
                )
            else:
                self._list(organisation)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
            ) from None

    def _list(self, organisation):
        table = rates.rate_table_for(organisation)
        self.stdout.write(
            _("Reporting currency: %(currency)s") % {"currency": table.reporting_currency}
        )
        for currency in sorted(table.rates):
            rate = table.rates[currency]
            self.stdout.write(
                f"{currency}\t{rate.rate.normalize()}\t{rate.as_of.isoformat()}\t"
                f"{rate.organisation}\t{rate.source}"
            )
        stated = rates.exchange_rates_of(organisation)
        if stated:
            self.stdout.write(_("Stated by this organisation (history):"))
        for row in stated:
            self.stdout.write(
                f"{row.currency}\t{row.rate.normalize()} {row.reporting_currency}\t"
                f"{row.as_of.isoformat()}\t{row.source}"
            )
