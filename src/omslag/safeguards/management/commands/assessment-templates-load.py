from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.common.errors import DomainError
from omslag.safeguards import services


class Command(OmslagCommand):
    help = "Load omslag's own assessment templates (idempotent: unchanged files change nothing)."

    def handle(self, *args, **options):
        try:
            results = services.own_templates_load()
        except DomainError as error:
            for problem in getattr(error, "problems", []):
                self.stderr.write(problem)
            raise CommandError(error.message) from None
        for template, happened in results:
            self.stdout.write(f"{template.urn} {template.version}: {happened}")
        self.stdout.write(self.style.SUCCESS(_("%(n)s template(s) checked.") % {"n": len(results)}))
