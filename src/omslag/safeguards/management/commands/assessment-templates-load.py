from django.core.management.base import BaseCommand, CommandError

from omslag.common.errors import DomainError
from omslag.safeguards import services


class Command(BaseCommand):
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
        self.stdout.write(self.style.SUCCESS(f"{len(results)} template(s) checked."))
