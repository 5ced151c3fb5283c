"""The legacy and safeguards tiles read stored figures (one row per organisation and day,
added up for a roll-up): a write marks them behind, the page says so with the time they were
computed, and the refresh task brings them up to date. An earlier as-of date is computed from
the register by the records' dates, never from today's rows."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils import translation
from django_tasks import default_task_backend

from omslag.innovation import services as innovation_services
from omslag.leadership.selectors import dashboard_for
from omslag.organisations.models import Role
from omslag.portfolio import services as portfolio_services
from omslag.portfolio.models import Application, LegacyTileFigures, SpendLine
from omslag.projects.models import ReferenceClass, ReferencePair
from omslag.safeguards.models import CoverageFigures

from ..factories import member, organisation
from .conftest import TODAY, _project

QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@contextmanager
def no_worker():
    """Refreshes are queued but nobody runs them yet."""
    with override_settings(TASKS=QUEUE_ONLY):
        default_task_backend.clear()
        yield default_task_backend


def run_queued(backend) -> None:
    for result in list(backend.results):
        result.task.call(*result.args)
    backend.clear()


@pytest.fixture
def committed(world):
    """The world as if committed: the refreshes its writes queued on commit have run (the
    test's own transaction never commits, so they would wait, and later writes in it would
    count as the same transaction)."""
    waiting, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, func, _robust in waiting:
        func()
    return world


def _figures(world, key, with_children=True, as_of=None):
    dashboard = dashboard_for(
        person=world["board"],
        organisation=world["ministry"],
        with_children=with_children,
        as_of=as_of,
    )
    return dashboard.tile(key).data.figures


def _page(world) -> str:
    client = Client()  # Dutch, the default
    client.force_login(world["board"])
    response = client.get("/organisations/ministerie/dashboard?below=1")
    assert response.status_code == 200
    return response.content.decode()


def test_a_roll_up_reads_one_stored_row_per_organisation(world):
    # The world's writes made and refreshed rows; the first view of a day finds none.
    LegacyTileFigures.objects.all().delete()
    CoverageFigures.objects.all().delete()
    _figures(world, "legacy")
    ids = {world["ministry"].pk, *(a.pk for a in world["agencies"])}
    assert set(LegacyTileFigures.objects.values_list("organisation_id", flat=True)) == ids
    assert set(CoverageFigures.objects.values_list("organisation_id", flat=True)) == ids
    assert set(LegacyTileFigures.objects.values_list("day", flat=True)) == {TODAY}
    # The municipality is in no scope read: no row of it.
    assert not LegacyTileFigures.objects.filter(organisation=world["municipality"]).exists()


def test_a_new_application_shows_as_pending_until_the_refresh_runs(
    committed, django_capture_on_commit_callbacks
):
    world = committed
    agency = world["agencies"][0]
    before = _figures(world, "legacy")
    assert before["pending"] is False and before["computedAt"] is not None
    with no_worker() as queue:
        with django_capture_on_commit_callbacks(execute=True):
            application = portfolio_services.application_create(
                actor=None,
                organisation=agency,
                name="Oud loket",
                business_value=2,
                technical_condition=1,
                end_of_support=TODAY - dt.timedelta(days=10),
            )
            portfolio_services.spend_line_create(
                actor=None,
                organisation=agency,
                year=TODAY.year - 1,
                amount=Decimal("5000000.00"),  # above every other: the highest risk
                kind="actual",
                category="run",
                application=application,
            )
        pending = _figures(world, "legacy")
        assert pending["pending"] is True
        # The stored figures as they were, with the time they were computed.
        assert pending["applications"] == before["applications"]
        assert pending["runCost"] == before["runCost"]
        assert pending["computedAt"] == before["computedAt"]
        assert "Wordt bijgewerkt na een recente wijziging." in _page(world)
        run_queued(queue)
    after = _figures(world, "legacy")
    assert after["pending"] is False
    assert after["applications"] == before["applications"] + 1
    assert after["pastEndOfSupport"] == before["pastEndOfSupport"] + 1
    assert after["runCost"] == before["runCost"] + Decimal("5000000.00")
    assert after["highestRisks"][0]["name"] == "Oud loket"
    assert after["highestRisks"][0]["organisation"] == agency.slug


def test_a_new_experiment_counts_in_the_coverage_after_the_refresh(
    committed, django_capture_on_commit_callbacks
):
    world = committed
    agency = world["agencies"][1]
    before = _figures(world, "safeguards")
    assert before["pending"] is False
    with no_worker() as queue:
        with django_capture_on_commit_callbacks(execute=True):
            innovation_services.experiment_create(
                actor=None, organisation=agency, title="Nieuwe proef"
            )
            innovation_services.experiment_create(
                actor=None, organisation=agency, title="Nog een proef"
            )
        # Two writes in one transaction: one refresh queued.
        queued = [r for r in queue.results if "coverage_figures_refresh" in r.task.module_path]
        assert [list(r.args[0]) for r in queued] == [[agency.pk]]
        pending = _figures(world, "safeguards")
        assert pending["pending"] is True and pending["subjects"] == before["subjects"]
        run_queued(queue)
    after = _figures(world, "safeguards")
    assert after["pending"] is False
    assert after["subjects"] == before["subjects"] + 2


def test_an_earlier_as_of_date_counts_the_register_by_its_dates(world):
    """As of 1 March 2025: the complete year is 2024, the window ends on 1 March 2026."""
    as_of = dt.date(2025, 3, 1)
    agency = world["agencies"][0]
    ended = Application.objects.create(
        organisation=agency,
        name="Ended before",
        business_value=2,
        technical_condition=2,
        end_of_support=dt.date(2025, 2, 1),
    )
    Application.objects.create(  # ends after the window of that date
        organisation=agency,
        name="Ends later",
        business_value=2,
        technical_condition=2,
        end_of_support=dt.date(2026, 3, 2),
    )
    SpendLine.objects.create(
        organisation=agency,
        application=ended,
        year=2024,
        amount=Decimal("1234.00"),
        kind="actual",
        category="run",
    )
    SpendLine.objects.create(  # a later year: not the complete year of that date
        organisation=agency,
        application=ended,
        year=2025,
        amount=Decimal("99.00"),
        kind="actual",
        category="run",
    )
    ids = [world["ministry"].pk, *(a.pk for a in world["agencies"])]
    LegacyTileFigures.objects.all().delete()
    CoverageFigures.objects.all().delete()
    # Counted here from the records, by their dates.
    chosen = [
        a
        for a in Application.objects.filter(organisation_id__in=ids)
        if a.end_of_support is not None and a.end_of_support <= dt.date(2026, 3, 1)
    ]
    chosen_ids = {a.pk for a in chosen}
    run_cost = sum(
        (
            line.amount
            for line in SpendLine.objects.filter(organisation_id__in=ids)
            if line.application_id in chosen_ids
            and line.year == 2024
            and line.kind == "actual"
            and line.category == "run"
        ),
        Decimal("0.00"),
    )
    figures = _figures(world, "legacy", as_of=as_of)
    assert figures["applications"] == len(chosen)
    assert figures["pastEndOfSupport"] == sum(1 for a in chosen if a.end_of_support < as_of)
    assert figures["runCost"] == run_cost and figures["runCostYear"] == 2024
    assert "Ended before" in [r["name"] for r in figures["highestRisks"]]
    # Computed now, not read from (nor stored as) today's rows.
    assert figures["computedAt"] is None and figures["pending"] is False
    assert not LegacyTileFigures.objects.exists()
    assert not CoverageFigures.objects.exists()

    # What the register keeps no history of is said to be of today.
    with translation.override("en"):
        dashboard = dashboard_for(
            person=world["board"], organisation=world["ministry"], with_children=True, as_of=as_of
        )
        assert "are of today, not of the chosen date" in dashboard.tile("projects").data.summary
        assert "those of today's assessments" in dashboard.tile("safeguards").data.summary
        today = dashboard_for(
            person=world["board"], organisation=world["ministry"], with_children=True, as_of=None
        )
        assert "of today" not in today.tile("projects").data.summary
        assert "of today" not in today.tile("safeguards").data.summary


def test_the_p80_exposure_is_drawn_from_the_named_reference_class(db):
    """One running project of 2,000,000; the class's uplifts (later / earlier) are 1.0 seven
    times and 1.5 three times: its 80th percentile (numpy) is 1.5, so the P80 lies 1,000,000
    above the estimate. A class with an earlier name but no pairs is passed over."""
    org = organisation("gemeente-p80", kind="municipality")
    person = member(Role.BOARD, org)
    _project(
        org,
        "Nieuw zaaksysteem",
        [(TODAY - dt.timedelta(days=30), "2000000", TODAY + dt.timedelta(days=400))],
    )
    ReferenceClass.objects.create(organisation=org, name="0 leeg", origin="file")
    chosen = ReferenceClass.objects.create(organisation=org, name="1 ICT-projecten", origin="file")
    uplifts = [1.0] * 7 + [1.5] * 3
    ReferencePair.objects.bulk_create(
        ReferencePair(reference_class=chosen, earlier=100.0, later=100.0 * u) for u in uplifts
    )
    expected = 2_000_000 * (np.quantile(uplifts, 0.8) - 1)
    figures = (
        dashboard_for(person=person, organisation=org, with_children=False, as_of=None)
        .tile("projects")
        .data.figures
    )
    assert figures["p80ReferenceClass"] == "1 ICT-projecten"
    assert figures["p80Exposure"] == Decimal(str(round(expected)))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    page = client.get(f"/organisations/{org.slug}/dashboard?below=0").content.decode()
    assert "reference class “1 ICT-projecten”" in page
