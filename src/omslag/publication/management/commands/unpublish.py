from django.core.management.base import BaseCommand, CommandError

from omslag.common.errors import DomainError
from omslag.exchange.cli import command_context
from omslag.publication.models import Kind
from omslag.publication.services import publication_withdraw


class Command(BaseCommand):
    help = "Withdraw a published record; the public side keeps a notice with the reason."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Kind.values)
        parser.add_argument("id", type=int, help="the record's id; for balance-year the year")
        parser.add_argument("--org", required=True, help="short name of the organisation")
        parser.add_argument("--reason", required=True, help="shown on the public notice")

    def handle(self, *args, kind, id, org, reason, **options):
        organisation, _actor = command_context(org, None)
        try:
            publication_withdraw(
                actor=None, organisation=organisation, kind=kind, source_id=id, reason=reason
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{kind} {id} of {org}: withdrawn.")
