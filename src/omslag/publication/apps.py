from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "omslag.publication"
    label = "publication"
    verbose_name = _("Open government")

    def ready(self):
        from . import registrations  # noqa: F401  (organisation page links, export open)
