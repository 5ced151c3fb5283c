from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "omslag.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from . import registrations  # noqa: F401  (the store, sign-in signals, the page link)
