from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardsConfig(AppConfig):
    name = "omslag.safeguards"
    label = "safeguards"
    verbose_name = _("Safeguards")

    def ready(self):
        from . import registrations  # noqa: F401  (history, gate rules, template import/export)
