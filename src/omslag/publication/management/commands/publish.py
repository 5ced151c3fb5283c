from django.core.management.base import BaseCommand, CommandError

from omslag.common.errors import DomainError
from omslag.exchange.cli import command_context
from omslag.publication.models import Kind
from omslag.publication.services import publication_publish_now


class Command(BaseCommand):
    help = (
        "Publish a record (a new version when it changed) for scripts: proposed and approved "
        "at once by the platform, so use it only where the organisation has agreed."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Kind.values)
        parser.add_argument("id", type=int, help="the record's id; for balance-year the year")
        parser.add_argument("--org", required=True, help="short name of the organisation")

    def handle(self, *args, kind, id, org, **options):
        organisation, _actor = command_context(org, None)
        try:
            published = publication_publish_now(organisation=organisation, kind=kind, source_id=id)
        except DomainError as error:
            raise CommandError(error.message) from None
        if published is None:
            self.stdout.write(f"{kind} {id} of {org}: the published version is up to date.")
        else:
            self.stdout.write(f"{kind} {id} of {org}: published version {published.number}.")
