from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "omslag.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from omslag.common.health import health_register
        from omslag.common.metrics import metrics_register

        from .monitoring import QueueCollector, probe_workers

        health_register("workers", probe_workers)
        metrics_register("jobs", QueueCollector())
