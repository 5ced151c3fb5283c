"""`omslag participation notify|purge`: e-mail proposers whose status changed, and delete
proposals after the retention period."""

from django.conf import settings
from django.core.management.base import BaseCommand

from omslag.participation import services


class Command(BaseCommand):
    help = (
        "notify: e-mail every proposer whose proposal changed status (run it every few "
        "minutes); purge: delete proposals older than OMSLAG_PROPOSAL_RETENTION_DAYS and "
        "unconfirmed ones whose link expired."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("notify", help="e-mail proposers about status changes")
        purge = actions.add_parser("purge", help="delete proposals after the retention period")
        purge.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, action, **options):
        if action == "notify":
            sent = services.proposals_notify_all(base_url=settings.SITE_URL)
            self.stdout.write(f"{sent} e-mail(s) sent about changed proposals.")
            return
        counts = services.proposals_purge(dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb} {counts['retention']} proposal(s) older than "
            f"{settings.PROPOSAL_RETENTION_DAYS} days and {counts['unconfirmed']} unconfirmed "
            "one(s) whose link expired."
        )
