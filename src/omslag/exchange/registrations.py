"""The work exchange hands to background workers: checking an uploaded file, importing it,
and exporting a large register."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from omslag.jobs.kinds import JobKind, job_kind_register

from . import exports, services


def _import_page(job) -> str:
    return reverse("exchange:import-detail", args=[job.params["import"]])


job_kind_register(
    JobKind(
        key=services.JOB_IMPORT_CHECK,
        label=gettext_lazy("Check of a file to import"),
        run=services.import_check_run,
        result_url=_import_page,
    )
)
job_kind_register(
    JobKind(
        key=services.JOB_IMPORT,
        label=gettext_lazy("Import of a file"),
        run=services.import_run_job,
        result_url=_import_page,
    )
)
job_kind_register(
    JobKind(
        key=exports.JOB_EXPORT,
        label=gettext_lazy("Export of a register"),
        run=exports.export_run_job,
    )
)
