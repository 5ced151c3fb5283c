"""Background tasks of the projects register: bring stored figures up to their inputs after a
write (queued by the services on commit; see ``common.stored_figures``)."""

from django_tasks import task

from . import stored
from .models import PortfolioForecastStored


@task()
def project_stored_figures_refresh(organisation_ids: list[int]) -> None:
    """Refresh the facet cells of these organisations and every stored forecast whose scope
    holds their projects, where they are behind their inputs."""
    stored.facet_cells_refresh(organisation_ids)
    affected = PortfolioForecastStored.objects.filter(stored.forecasts_affected(organisation_ids))
    stored.forecasts_refresh(affected.values_list("pk", flat=True))


@task()
def portfolio_forecasts_refresh(stored_ids: list[int]) -> None:
    """Refresh these stored forecasts (after their reference class changed)."""
    stored.forecasts_refresh(stored_ids)
