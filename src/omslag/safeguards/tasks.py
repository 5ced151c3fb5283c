"""Background tasks of the safeguards app: bring the stored safeguard figures of the board
dashboard up to their inputs after a write (queued on commit; see ``common.stored_figures``)."""

from django_tasks import task

from . import coverage_stored


@task()
def coverage_figures_refresh(organisation_ids: list[int], changed_at: str | None = None) -> None:
    """Refresh the stored safeguard figures of these organisations that are behind."""
    coverage_stored.coverage_refresh(organisation_ids, changed_at)
