from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlgorithmsConfig(AppConfig):
    name = "omslag.algorithms"
    label = "algorithms"
    verbose_name = _("Algorithms")

    def ready(self):
        from . import registrations  # noqa: F401  (registers history, imports and exports)
