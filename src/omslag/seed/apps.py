from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedConfig(AppConfig):
    """The national seed (``omslag seed``): no models, only its command, which composes every
    app's records as the demo does."""

    name = "omslag.seed"
    label = "seed"
    verbose_name = _("National seed")
