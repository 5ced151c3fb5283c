from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "omslag.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from . import registrations  # noqa: F401  (registers history, import and export)
