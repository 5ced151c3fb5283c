"""Background tasks of the projects register: bring stored figures up to their inputs after a
write (queued by the services on commit; see ``common.stored_figures``)."""

from django_tasks import task

from omslag.common.chartwarm import charts_warm_later
from omslag.organisations.selectors import organisation_slugs_with_ancestors

from . import stored
from .models import PortfolioForecastStored


@task()
def project_stored_figures_refresh(
    organisation_ids: list[int], changed_at: str | None = None
) -> None:
    """Refresh the facet cells of these organisations and every stored forecast whose scope
    holds their projects, where they are behind their inputs or older than the write that
    committed at ``changed_at``."""
    stored.facet_cells_refresh(organisation_ids, changed_at)
    affected = PortfolioForecastStored.objects.filter(stored.forecasts_affected(organisation_ids))
    stored.forecasts_refresh(affected.values_list("pk", flat=True), changed_at)
    charts_warm_later(organisation_slugs_with_ancestors(organisation_ids))


@task()
def portfolio_forecasts_refresh(stored_ids: list[int], changed_at: str | None = None) -> None:
    """Refresh these stored forecasts (after their reference class changed)."""
    stored.forecasts_refresh(stored_ids, changed_at)
