from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadershipConfig(AppConfig):
    name = "omslag.leadership"
    label = "leadership"
    verbose_name = _("Leadership")

    def ready(self):
        from . import registrations  # noqa: F401  (the board's section on the organisation page)
        from .tiles import builtin  # noqa: F401  (registers the tiles of the registers)
