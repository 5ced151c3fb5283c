from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "omslag.innovation"
    label = "innovation"
    verbose_name = _("Innovation pipeline")

    def ready(self):
        from . import registrations  # noqa: F401  (history, gate rules, import and export)
