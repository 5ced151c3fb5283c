"""Coalescing decided in the database (``common.stored_figures.refresh_enqueue_coalesced``):
whether a refresh of the same figures already waits is one decision on a locked row, so
writes in several processes at the same moment leave exactly one refresh waiting, and that
refresh makes the figures equal a fresh computation."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from omslag.common import stored_figures
from omslag.common.models import RefreshWaiting
from omslag.portfolio import figures, selectors
from omslag.portfolio.figures import portfolio_figures_refresh

from ..conftest import skip_unless
from ..factories import organisation
from ..portfolio.factories import spend

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REFRESH = portfolio_figures_refresh.module_path


def waiting():
    return list(
        DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=REFRESH).order_by(
            "enqueued_at"
        )
    )


def slow_to_queue(monkeypatch, seconds=0.3):
    """A moment passes between deciding to queue a refresh and queueing it: the window in
    which a decision made by looking at the queue alone lets a second process queue too."""
    using = Task.using

    def slow_using(self, **options):
        time.sleep(seconds)
        return using(self, **options)

    monkeypatch.setattr(Task, "using", slow_using)


@override_settings(TASKS=DATABASE_BACKEND)
@pytest.mark.django_db
def test_writes_join_the_waiting_refresh_and_a_started_one_is_never_joined():
    org = organisation("rc-gemeente", kind="municipality")
    other = organisation("rc-andere", kind="municipality")
    outcomes = [stored_figures.refresh_enqueue_coalesced(portfolio_figures_refresh, org.pk)]
    outcomes += [stored_figures.refresh_enqueue_coalesced(portfolio_figures_refresh, org.pk)]
    outcomes += [stored_figures.refresh_enqueue_coalesced(portfolio_figures_refresh, other.pk)]
    assert outcomes == ["queued", "joined", "queued"]
    assert sorted(r.args_kwargs["args"][0] for r in waiting()) == sorted([org.pk, other.pk])
    assert RefreshWaiting.objects.count() == 2
    # A worker took it: it may have read the inputs already, so the next write queues anew.
    DBTaskResult.objects.filter(args_kwargs__args__0=org.pk).update(status=TaskResultStatus.RUNNING)
    assert stored_figures.refresh_enqueue_coalesced(portfolio_figures_refresh, org.pk) == "queued"
    assert [r.args_kwargs["args"][0] for r in waiting()].count(org.pk) == 1
    assert RefreshWaiting.objects.count() == 2  # the row names the new refresh


@override_settings(TASKS=DATABASE_BACKEND)
@pytest.mark.django_db
def test_rows_of_refreshes_long_done_are_removed():
    org = organisation("rc-oud", kind="municipality")
    stored_figures.refresh_enqueue_coalesced(portfolio_figures_refresh, org.pk)
    RefreshWaiting.objects.update(queued_at="2020-01-01T00:00:00Z")
    other = organisation("rc-nieuw", kind="municipality")
    stored_figures.refresh_enqueue_coalesced(portfolio_figures_refresh, other.pk)
    assert list(RefreshWaiting.objects.values_list("task_result_id", flat=True)) == [
        str(waiting()[-1].id)
    ]


@override_settings(TASKS=DATABASE_BACKEND)
@pytest.mark.django_db(transaction=True)
def test_writes_in_several_processes_at_once_leave_one_refresh_and_right_figures(monkeypatch):
    skip_unless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
    org = organisation("rc-tegelijk", kind="municipality")
    spend(org, 2025, 100, "run")  # the ImmediateBackend is not in use: nothing refreshed
    figures.balance_overview_stored(org)  # stored once: from now on only refreshed
    DBTaskResult.objects.all().delete()  # the setup's own refresh: done
    slow_to_queue(monkeypatch)
    writers = 4
    start = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            start.wait()
            spend(org, 2025, 10 * (n + 1), ("run", "change", "innovate")[n % 3])
        except Exception as error:  # noqa: BLE001 (reported by the test below)
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    queued = waiting()
    assert len(queued) == 1  # four writes at the same moment, one refresh
    overview, state = figures.balance_overview_stored(org)
    assert state.pending
    # The worker runs the one refresh: the figures equal the lines added up by the test.
    portfolio_figures_refresh.call(*queued[0].args_kwargs["args"])
    overview, state = figures.balance_overview_stored(org)
    assert not state.pending
    actual = overview.balances[-1].actual
    assert (actual.run, actual.change, actual.innovate) == (
        Decimal("100") + 10 + 40,  # writers 0 and 3
        Decimal("20"),
        Decimal("30"),
    )
    fresh = selectors.balance_overview(org, True)
    assert overview.balances == fresh.balances
