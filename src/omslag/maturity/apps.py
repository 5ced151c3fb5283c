from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaturityConfig(AppConfig):
    name = "omslag.maturity"
    label = "maturity"
    verbose_name = _("Digital maturity")

    def ready(self):
        from . import registrations  # noqa: F401  (organisation page links, dashboard tile)
