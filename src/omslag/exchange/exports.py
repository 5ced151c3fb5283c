"""Exports of large registers as jobs: a request for more rows than OMSLAG_EXPORT_INLINE_ROWS
(or one that asks for it) queues the export; a worker writes the file and keeps it with the
job, where the person who asked (and the organisation's administrators) download it. The file
is made by the same ``services.export_file`` as an immediate export, so it is audited alike."""

import tempfile

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omslag.common.errors import RuleViolation
from omslag.common.tabular.formats import CONTENT_TYPES, FORMATS
from omslag.common.tabular.registry import export_spec
from omslag.jobs import services as jobs

from . import services
from .cli import Operator
from .options import export_option

JOB_EXPORT = "export"


def export_rows_count(*, person, organisation, kind) -> int:
    """How many rows the export of ``kind`` would have (one COUNT for a register)."""
    spec = export_spec(kind)
    if spec is None:
        raise RuleViolation(_("Unknown kind of export: %(kind)s.") % {"kind": kind})
    records = spec.rows(person, organisation)
    if isinstance(records, QuerySet):
        return records.count()
    return len(list(records))


def export_is_large(*, person, organisation, kind) -> bool:
    """Whether the export is too large to make inside a request."""
    count = export_rows_count(person=person, organisation=organisation, kind=kind)
    return count > settings.EXPORT_INLINE_ROWS


def export_start(*, person, organisation, kind, fmt, reference_class_id=None, operator=False):
    """Queue the export of ``kind`` in ``fmt`` as a job and return the job. ``operator``: the
    command line's export, which reads as the installation's operator."""
    if export_spec(kind) is None:
        raise RuleViolation(_("Unknown kind of export: %(kind)s.") % {"kind": kind})
    if fmt not in FORMATS:
        raise RuleViolation(
            _("Unknown format %(fmt)s; use one of %(formats)s.")
            % {"fmt": fmt, "formats": ", ".join(FORMATS)}
        )
    return jobs.start(
        JOB_EXPORT,
        person=None if operator else person,
        organisation=organisation,
        register=kind,
        format=fmt,
        reference_class=reference_class_id,
        operator=operator,
    )


def export_run_job(work) -> dict:
    """The work of an export job: read the rows (progress per row), write the file, keep it
    with the job. A cancel before the file is written leaves no file."""
    params = work.params
    kind, fmt, organisation = params["register"], params["format"], work.organisation
    if params.get("operator"):
        person = Operator()
    elif work.person is not None and work.person.is_active:
        person = work.person
    else:
        raise jobs.JobFailed(_("The person who asked for this export no longer exists."))
    options = {}
    if params.get("reference_class"):
        option = export_option(kind, "reference_class")
        try:
            options["reference_class"] = option.by_id(organisation, params["reference_class"])
        except (AttributeError, RuleViolation) as error:
            raise jobs.JobFailed(getattr(error, "message", str(error))) from None
    total = export_rows_count(person=person, organisation=organisation, kind=kind)
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        message = ngettext("%(n)s row read", "%(n)s rows read", done) % {"n": done}
        jobs.progress(work, min(done, total), total, message=message)

    jobs.progress(work, 0, total, message=_("Reading the register"))
    filename = f"{kind}-{organisation.slug}-{timezone.localdate().isoformat()}.{fmt}"
    # Written to a temporary file on disk as the rows are read, then kept with the job:
    # memory stays bounded whatever the register holds.
    with tempfile.TemporaryFile() as target:
        rows = services.export_write(
            person=person,
            organisation=organisation,
            kind=kind,
            fmt=fmt,
            target=target,
            progress=step,
            options=options,
        )
        work.message = ngettext("%(n)s row written", "%(n)s rows written", rows) % {"n": rows}
        target.seek(0)
        jobs.job_file_save(work, filename, target)
    return {
        "kind": kind,
        "format": fmt,
        "rows": rows,
        "filename": filename,
        "contentType": CONTENT_TYPES[fmt],
    }
