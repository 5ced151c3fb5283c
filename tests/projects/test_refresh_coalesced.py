"""A write never computes the portfolio forecast itself: it marks the stored figures behind and
queues one refresh per organisation, which the writes that follow within the same second join
(coalesced). The refresh, run by a worker, makes them equal a fresh computation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from omslag.common import stored_figures
from omslag.projects import selectors, services, stored, tasks

from ..factories import organisation
from .test_stored_figures import ITERATIONS, SEED, _assert_same_forecast, _expected_forecast

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REFRESH = tasks.project_stored_figures_refresh.module_path


def refreshes_waiting():
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=REFRESH))


def report(project, value):
    services.report_create(
        actor=None,
        project=project,
        peildatum=dt.date(2024, 1, 1) + dt.timedelta(days=value),
        total_cost_estimate=Decimal(value * 100_000),
        estimated_end_date=dt.date(2026, 1, 1) + dt.timedelta(days=value),
    )


@pytest.fixture
def forecast_stored(db):
    ministry = organisation("co-ministerie", kind="ministry")
    municipality = organisation("co-gemeente", kind="municipality")
    shipped = services.reference_class_shipped()
    project = services.project_create(actor=None, organisation=ministry, name="Basis")
    report(project, 10)
    selectors.portfolio_forecast_stored(ministry, shipped, iterations=ITERATIONS, seed=SEED)
    return ministry, municipality, shipped, project


@override_settings(TASKS=DATABASE_BACKEND)
def test_a_burst_of_writes_queues_one_refresh_and_computes_nothing(
    forecast_stored, monkeypatch, django_capture_on_commit_callbacks
):
    ministry, _municipality, shipped, project = forecast_stored
    computed = []
    real_fields = stored._forecast_fields
    monkeypatch.setattr(stored, "_forecast_fields", lambda key: computed.append(key))
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for value in (20, 30, 40):
            report(project, value)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_create(actor=None, organisation=ministry, name="Tweede")
    assert computed == []  # the writes paid for no forecast
    waiting = refreshes_waiting()
    assert len(waiting) == 1
    args = waiting[0].args_kwargs["args"]
    assert args[0] == [ministry.pk]
    # It waits a second for more writes, and carries the time of the last one.
    assert waiting[0].run_after >= before + dt.timedelta(seconds=stored_figures.COALESCE_SECONDS)
    assert dt.datetime.fromisoformat(args[1]) >= before
    forecast = selectors.portfolio_forecast_stored(
        ministry, shipped, iterations=ITERATIONS, seed=SEED
    )
    assert forecast.pending and forecast.computed_at is not None
    # The worker's turn: the one refresh brings the forecast up to every write.
    monkeypatch.setattr(stored, "_forecast_fields", real_fields)
    tasks.project_stored_figures_refresh.call(*args)
    forecast = selectors.portfolio_forecast_stored(
        ministry, shipped, iterations=ITERATIONS, seed=SEED
    )
    assert not forecast.pending
    _assert_same_forecast(forecast.result, _expected_forecast([ministry.pk], shipped))


@override_settings(TASKS=DATABASE_BACKEND)
def test_one_refresh_per_organisation_and_none_joins_a_started_one(
    forecast_stored, django_capture_on_commit_callbacks
):
    ministry, municipality, _shipped, project = forecast_stored
    with django_capture_on_commit_callbacks(execute=True):
        report(project, 50)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_create(actor=None, organisation=municipality, name="Elders")
    assert sorted(r.args_kwargs["args"][0] for r in refreshes_waiting()) == sorted(
        [[ministry.pk], [municipality.pk]]
    )
    # A refresh a worker has taken may have read the inputs already: a later write queues anew.
    DBTaskResult.objects.filter(task_path=REFRESH).update(status=TaskResultStatus.RUNNING)
    with django_capture_on_commit_callbacks(execute=True):
        report(project, 60)
    assert [r.args_kwargs["args"][0] for r in refreshes_waiting()] == [[ministry.pk]]


def test_with_the_immediate_backend_the_refresh_runs_at_once(
    forecast_stored, django_capture_on_commit_callbacks
):
    ministry, _municipality, shipped, project = forecast_stored
    with django_capture_on_commit_callbacks(execute=True):
        report(project, 70)
    forecast = selectors.portfolio_forecast_stored(
        ministry, shipped, iterations=ITERATIONS, seed=SEED
    )
    assert not forecast.pending
    _assert_same_forecast(forecast.result, _expected_forecast([ministry.pk], shipped))
