"""An organisation that gets another parent, is deleted or is restored changes what the
organisations above it add up: their stored figures (the balance, portfolio forecasts and
innovation funnels over a subtree) are marked changed in the same transaction and refreshed
on commit. The expected figures are counted by the test from the records."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django_tasks import default_task_backend

from omslag.common.errors import ConflictError, RuleViolation
from omslag.innovation import selectors as innovation_selectors
from omslag.innovation import services as innovation
from omslag.innovation.models import Experiment, FunnelFiguresStored
from omslag.organisations import services
from omslag.organisations.models import Organisation
from omslag.portfolio import figures
from omslag.portfolio.models import PortfolioFigures
from omslag.projects import selectors as project_selectors
from omslag.projects import services as projects
from omslag.projects.models import PortfolioForecastStored

from ..factories import organisation
from ..innovation.factories import DESIGN
from ..portfolio.factories import spend
from ..projects.test_stored_figures import ITERATIONS, SEED, _assert_same_forecast
from ..projects.test_stored_figures import _expected_forecast as expected_forecast

pytestmark = pytest.mark.django_db
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def land(db, django_capture_on_commit_callbacks):
    """Two ministries; the first has an agency with a service below it. Each holds spend, a
    project with an estimate and an experiment; the figures over every subtree are stored."""
    # Every write here is committed as in a real site (its refresh runs on commit).
    with django_capture_on_commit_callbacks(execute=True):
        first = organisation("mv-eerste", kind="ministry")
        second = organisation("mv-tweede", kind="ministry")
        agency = organisation("mv-dienst", parent=first)
        service = organisation("mv-uitvoering", parent=agency)
        shipped = projects.reference_class_shipped()
        for n, org in enumerate((first, second, agency, service), 1):
            spend(org, 2025, 1000 * n, "run")
            project = projects.project_create(actor=None, organisation=org, name=f"Project {n}")
            projects.report_create(
                actor=None,
                project=project,
                peildatum=dt.date(2025, 1, 1),
                total_cost_estimate=Decimal(n * 1_000_000),
                estimated_end_date=dt.date(2027, 1, 1),
            )
            innovation.experiment_create(
                actor=None, organisation=org, title="Proef", budget=Decimal(100 * n), **DESIGN
            )
        for org in (first, second, agency):
            figures.balance_overview_stored(org)
            forecast_of(org, shipped)
            innovation_selectors.funnel_stored(org)
    return first, second, agency, service, shipped


def forecast_of(org, shipped):
    return project_selectors.portfolio_forecast_stored(
        org, shipped, iterations=ITERATIONS, seed=SEED, with_children=True
    )


def subtree_ids(org) -> list[int]:
    """The live organisations at or below ``org``, found by walking parents (not paths)."""
    live = {o.pk: o.parent_id for o in Organisation.objects.all()}

    def below(pk):
        while pk is not None:
            if pk == org.pk:
                return True
            pk = live.get(pk)
        return False

    return sorted(pk for pk in live if below(pk))


def stored_balance_total(org) -> Decimal:
    """The stored roll-up as it sits in its row (not through the reader, which would
    recompute a roll-up whose organisations changed)."""
    row = PortfolioFigures.objects.get(organisation=org, kind="balance")
    assert not row.pending
    return sum(Decimal(amount) for *_, amount in row.figures["subtree"])


SPEND = {"mv-eerste": 1000, "mv-tweede": 2000, "mv-dienst": 3000, "mv-uitvoering": 4000}


def spend_total(ids) -> Decimal:
    return Decimal(sum(SPEND[o.slug] for o in Organisation.objects.filter(pk__in=ids)))


def experiment_budgets(ids) -> list[Decimal]:
    return sorted(
        Experiment.objects.filter(organisation_id__in=ids).values_list("budget", flat=True)
    )


def assert_all_fresh(orgs, shipped):
    for org in orgs:
        ids = subtree_ids(org)
        assert stored_balance_total(org) == spend_total(ids)
        forecast = PortfolioForecastStored.objects.get(organisation=org, with_children=True)
        assert not forecast.pending
        _assert_same_forecast(
            project_selectors.portfolio_forecast_stored(
                org, shipped, iterations=ITERATIONS, seed=SEED, with_children=True
            ).result,
            expected_forecast(ids, shipped),
        )
        funnel = innovation_selectors.funnel_stored(org)
        assert not funnel.pending
        budgets = experiment_budgets(ids)
        assert (funnel.figures["total"], funnel.figures["total_budget"]) == (
            len(budgets),
            sum(budgets),
        )


def test_a_move_refreshes_the_figures_of_the_old_and_the_new_ancestors(
    land, django_capture_on_commit_callbacks
):
    first, second, agency, service, shipped = land
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_move(
            actor=None, organisation=agency, parent=second, expected_version=agency.version
        )
    service.refresh_from_db()
    assert service.path == f"/{second.pk}/{agency.pk}/{service.pk}/"
    assert subtree_ids(first) == [first.pk] and stored_balance_total(first) == Decimal(1000)
    assert stored_balance_total(second) == Decimal(2000 + 3000 + 4000)
    assert_all_fresh([first, second, agency], shipped)


def test_without_a_worker_the_figures_above_are_pending_and_those_elsewhere_are_not(land):
    first, second, agency, service, _shipped = land
    with override_settings(TASKS=QUEUE_ONLY):
        default_task_backend.clear()
        services.organisation_move(
            actor=None, organisation=service, parent=second, expected_version=service.version
        )
        default_task_backend.clear()
    # Both the agency and the first ministry lost the service; the second gained it.
    for org in (first, agency, second):
        assert PortfolioFigures.objects.get(organisation=org, kind="balance").pending
        assert PortfolioForecastStored.objects.get(organisation=org, with_children=True).pending
        assert FunnelFiguresStored.objects.get(organisation=org, kind="funnel").pending


def test_a_move_within_the_same_ancestor_marks_only_what_changed(land):
    first, _second, agency, service, _shipped = land
    with override_settings(TASKS=QUEUE_ONLY):
        services.organisation_move(
            actor=None, organisation=service, parent=first, expected_version=service.version
        )
    # The first ministry still holds the service: its figures are unchanged.
    assert not PortfolioFigures.objects.get(organisation=first, kind="balance").pending
    assert PortfolioFigures.objects.get(organisation=agency, kind="balance").pending


def test_delete_and_restore_refresh_the_figures_above(land, django_capture_on_commit_callbacks):
    first, second, agency, service, shipped = land
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_delete(actor=None, organisation=service)
    assert stored_balance_total(agency) == Decimal(3000)
    assert_all_fresh([first, agency], shipped)
    deleted = Organisation.all_objects.get(pk=service.pk)
    before = deleted.history.filter(deleted_at__isnull=True).order_by("-history_id").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_restore(actor=None, record=deleted, history_id=before.history_id)
    assert stored_balance_total(agency) == Decimal(3000 + 4000)
    assert_all_fresh([first, second, agency], shipped)


def test_a_move_below_itself_a_deleted_parent_or_with_a_stale_version_is_refused(land):
    first, second, agency, service, _shipped = land
    with pytest.raises(RuleViolation):
        services.organisation_move(
            actor=None, organisation=agency, parent=service, expected_version=agency.version
        )
    with pytest.raises(ConflictError):
        services.organisation_move(
            actor=None, organisation=agency, parent=second, expected_version=agency.version - 1
        )
    services.organisation_delete(actor=None, organisation=service)
    service = Organisation.all_objects.get(pk=service.pk)
    with pytest.raises(RuleViolation):
        services.organisation_move(
            actor=None, organisation=first, parent=service, expected_version=first.version
        )
    assert Organisation.objects.get(pk=agency.pk).parent_id == first.pk


def test_a_move_to_the_top_and_its_history(land, django_capture_on_commit_callbacks):
    first, _second, agency, service, shipped = land
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_move(
            actor=None, organisation=agency, parent=None, expected_version=agency.version
        )
    service.refresh_from_db()
    assert service.path == f"/{agency.pk}/{service.pk}/"
    assert agency.history.first().parent_id is None
    assert_all_fresh([first, agency], shipped)
