from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "omslag.publication"
    label = "publication"
    verbose_name = _("Open government")

    def ready(self):
        from omslag.exchange.options import folder_export_register

        from .exports import open_export_write

        folder_export_register("open", open_export_write)
