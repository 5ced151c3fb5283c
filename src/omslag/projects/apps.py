from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "omslag.projects"
    label = "projects"
    verbose_name = _("Large ICT projects")

    def ready(self):
        from . import registrations  # noqa: F401  (registers history, import and export)
