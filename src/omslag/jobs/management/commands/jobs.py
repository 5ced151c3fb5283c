from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.jobs.services import job_files_purge


class Command(OmslagCommand):
    help = (
        "Housekeeping of background jobs: `purge` removes the files (exports, board reports) "
        "of jobs that finished more than OMSLAG_JOB_FILE_RETENTION_DAYS ago."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["purge"])

    def handle(self, *args, action, **options):
        removed = job_files_purge()
        self.stdout.write(_("Removed the files of %(n)s finished job(s).") % {"n": removed})
