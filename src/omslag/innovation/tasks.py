"""Background tasks of the innovation pipeline: bring the stored funnel figures up to their
inputs after a write (queued by the services on commit; see ``common.stored_figures``)."""

from django_tasks import task

from omslag.common.chartwarm import charts_warm_later
from omslag.organisations.selectors import organisation_slugs_with_ancestors

from . import selectors, stored


@task()
def funnel_figures_refresh(organisation_ids: list[int], changed_at: str | None = None) -> None:
    """Refresh the stored funnel figures over these organisations (those behind their inputs
    or older than the write that committed at ``changed_at``)."""
    stored.funnel_figures_refresh(organisation_ids, selectors.funnel_figures_compute, changed_at)
    charts_warm_later(organisation_slugs_with_ancestors(organisation_ids))
