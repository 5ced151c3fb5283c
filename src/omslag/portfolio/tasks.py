"""Background work of the portfolio, run by whichever task backend settings.TASKS names."""

from django_tasks import task

from . import figures


@task()
def portfolio_figures_refresh(organisation_id: int) -> list[str]:
    """Recompute the organisation's stored figures that are behind their inputs."""
    return figures.figures_refresh(organisation_id)
