from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "omslag.portfolio"
    label = "portfolio"
    verbose_name = _("Applications and spend")

    def ready(self):
        from . import registrations  # noqa: F401  (registers history, import and export)
