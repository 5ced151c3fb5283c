"""Stored figures (balance per year, legacy risk, TIME positions): computed once per change of
their inputs by a task enqueued on commit, read by the balance page and the API, and never a
stale number without its as-of time.

The reference is the computation the pages made before (``selectors.balance_overview`` and
``selectors.legacy_risk``, straight from the register), run afresh in the test."""

import datetime as dt
import io
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omslag.exchange import services as exchange
from omslag.organisations import services as organisation_services
from omslag.organisations.models import Organisation
from omslag.portfolio import figures, selectors, services
from omslag.portfolio.figures import portfolio_figures_refresh
from omslag.portfolio.legacy_tile import legacy_tile
from omslag.portfolio.models import (
    Application,
    Dependency,
    PortfolioFigures,
    SpendLine,
    SpendTarget,
)
from omslag.safeguards.coverage_stored import coverage_stored
from omslag.safeguards.selectors import coverage_for

from ..factories import member
from .factories import application, spend
from .test_pages import client_for, text_of

pytestmark = pytest.mark.django_db

QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
TODAY = dt.date(2026, 6, 15)


@contextmanager
def no_worker():
    """Refreshes are queued but nobody runs them yet: a busy or stopped worker."""
    with override_settings(TASKS=QUEUE_ONLY):
        default_task_backend.clear()
        yield default_task_backend


def run_queued(backend) -> None:
    """The worker catches up: every queued refresh of these figures runs once (other apps'
    refreshes, queued by an organisation's move, are theirs to test)."""
    for result in list(backend.results):
        result.task.call(*result.args)
    backend.clear()


def portfolio_queued(backend) -> list[list]:
    """The arguments of the portfolio refreshes queued (other apps' refreshes aside: the
    safeguards' stored coverage learns of new applications too)."""
    return [
        list(r.args)
        for r in backend.results
        if r.task.module_path == portfolio_figures_refresh.module_path
    ]


def balance_key(overview) -> tuple:
    """What the stored balance decides (the target and its gap are read when shown)."""
    return (overview.balances, overview.trends, overview.latest_year)


def legacy_key(risk) -> tuple:
    def app(a) -> tuple:
        return (
            a.pk,
            a.name,
            a.end_of_support,
            a.go_live_year,
            a.business_value,
            a.technical_condition,
            a.time,
            a.run_cost,
        )

    return (
        [app(a) for a in risk.applications],
        [
            (app(r.application), r.support, r.direct_dependents, r.transitive_dependents)
            for r in risk.rows
        ],
        risk.time_counts,
        risk.time_run_cost,
        risk.migrate_eliminate_run_cost,
        risk.age,
        [[a.pk for a in cycle] for cycle in risk.cycles],
        risk.run_cost_year,
    )


# --- the basics ---------------------------------------------------------------------------


def test_a_fresh_database_computes_once_and_stores(tree):
    org = tree[2]
    application(org, "Zaaksysteem", value=4, condition=2)
    assert not PortfolioFigures.objects.filter(organisation=org, computed_at__isnull=False).exists()
    risk, state = figures.legacy_risk_stored(org)
    assert risk.time_counts["migrate"] == 1  # value 4 (high), condition 2 (poor)
    row = PortfolioFigures.objects.get(organisation=org, kind="legacy")
    assert row.computed_at == state.as_of and not state.pending
    assert row.computed_version == row.inputs_version


def test_a_change_refreshes_the_figures_on_commit(tree, django_capture_on_commit_callbacks):
    org = tree[2]
    with django_capture_on_commit_callbacks(execute=True):
        spend(org, 2025, 700, "run")
    overview, _state = figures.balance_overview_stored(org)
    assert overview.balances[-1].actual.run == Decimal("700.00")
    with django_capture_on_commit_callbacks(execute=True):
        spend(org, 2025, 300, "innovate")
    overview, state = figures.balance_overview_stored(org)
    assert not state.pending
    assert overview.balances[-1].actual.innovate_share == pytest.approx(0.3)


def test_a_change_below_refreshes_the_roll_up_above(tree, django_capture_on_commit_callbacks):
    ministry, agency, _municipality = tree
    with django_capture_on_commit_callbacks(execute=True):
        spend(ministry, 2025, 1000, "run")
    before, _ = figures.balance_overview_stored(ministry)
    assert before.balances[-1].actual.total == Decimal("1000.00")
    with django_capture_on_commit_callbacks(execute=True):
        spend(agency, 2025, 250, "change")
    after, state = figures.balance_overview_stored(ministry)
    assert not state.pending
    assert after.balances[-1].actual.total == Decimal("1250.00")
    own, _ = figures.balance_overview_stored(ministry, include_children=False)
    assert own.balances[-1].actual.total == Decimal("1000.00")


def test_a_page_view_does_not_recompute_the_graph(tree, monkeypatch):
    org = tree[2]
    a, b = application(org, "A"), application(org, "B")
    services.dependency_add(actor=None, application=a, depends_on=b)
    figures.legacy_risk_stored(org)  # the first read stores them

    def fail(organisation):
        raise AssertionError("legacy risk recomputed on a read")

    monkeypatch.setattr(selectors, "legacy_inputs", fail)
    response = client_for(member("viewer", org)).get(f"/organisations/{org.slug}/balance")
    assert response.status_code == 200


def test_while_pending_the_page_and_api_show_the_stored_figures_with_their_time(
    tree, django_capture_on_commit_callbacks
):
    org = tree[2]
    with django_capture_on_commit_callbacks(execute=True):
        spend(org, 2025, 700, "run")
    _overview, first = figures.balance_overview_stored(org)
    person = member("viewer", org)
    with no_worker() as backend:
        with django_capture_on_commit_callbacks(execute=True):
            spend(org, 2025, 300, "run")
        assert [args[0] for args in portfolio_queued(backend)] == [org.pk]
        page = text_of(client_for(person, "nl").get(f"/organisations/{org.slug}/balance"))
        answer = client_for(person).get(f"/api/v1/organisations/{org.slug}/balance").json()
    when = timezone.localtime(first.as_of)
    assert f"Berekend op {when.day} " in page and "wordt bijgewerkt" in page
    assert "€ 700" in page and "€ 1.000" not in page  # the stored total, not a new one
    assert answer["figures"] == {"asOf": answer["figures"]["asOf"], "pending": True}
    assert dt.datetime.fromisoformat(answer["figures"]["asOf"]) == first.as_of
    assert answer["years"][-1]["actual"]["total"] == "700.00"


def test_an_import_enqueues_one_refresh(tree, django_capture_on_commit_callbacks):
    org = tree[2]
    figures.legacy_risk_stored(org)
    rows = "".join(f"App {i},2,4\n" for i in range(40))
    with no_worker() as backend:
        with django_capture_on_commit_callbacks(execute=True):
            report = exchange.import_file(
                actor=None,
                organisation=org,
                kind="applications",
                stream=io.BytesIO(("name,business_value,technical_condition\n" + rows).encode()),
                filename="apps.csv",
            )
        assert report.ok and report.created == 40
        assert [args[0] for args in portfolio_queued(backend)] == [org.pk]
        assert len(backend.results) == 2  # and one refresh of the stored safeguard coverage
        _risk, state = figures.legacy_risk_stored(org)
        assert state.pending
        run_queued(backend)
    risk, state = figures.legacy_risk_stored(org)
    assert not state.pending and risk.time_counts["tolerate"] == 40


def test_a_lost_refresh_is_enqueued_again_by_a_read(tree, django_capture_on_commit_callbacks):
    org = tree[2]
    with django_capture_on_commit_callbacks(execute=True):
        spend(org, 2025, 10, "run")
    figures.balance_overview_stored(org)
    with no_worker() as backend:
        with django_capture_on_commit_callbacks(execute=True):
            spend(org, 2025, 20, "run")
        backend.clear()  # the queue lost it
        figures.balance_overview_stored(org)
        assert backend.results == []  # too early to call it lost
        PortfolioFigures.objects.filter(organisation=org).update(
            inputs_changed_at=timezone.now() - dt.timedelta(minutes=11)
        )
        figures.balance_overview_stored(org)
        assert [args[0] for args in portfolio_queued(backend)] == [org.pk]


def test_an_import_that_fails_its_check_leaves_the_figures_current(tree):
    org = tree[2]
    figures.legacy_risk_stored(org)
    report = exchange.import_file(
        actor=None,
        organisation=org,
        kind="applications",
        stream=io.BytesIO(b"name,business_value,technical_condition\nX,9,3\n"),
        filename="apps.csv",
    )
    assert not report.ok
    _risk, state = figures.legacy_risk_stored(org)
    assert not state.pending


# --- the property: after any sequence of changes ----------------------------------------------

OPERATIONS = (
    "app_add",
    "app_edit",
    "app_delete",
    "dependency_add",
    "dependency_remove",
    "spend_add",
    "spend_edit",
    "spend_delete",
    "target_set",
    "target_delete",
    "organisation_move",
    "worker_runs",
)
steps = st.lists(
    st.tuples(
        st.sampled_from(OPERATIONS),
        st.integers(0, 2),  # which organisation: ministry, agency, municipality
        st.integers(0, 10_000),
        st.integers(0, 10_000),
        st.booleans(),  # a worker is running (the refresh happens at commit)
    ),
    min_size=1,
    max_size=10,
)


def apply(operation, organisation, a, b, counter) -> None:
    """One change through the services, as a page, the API or an import makes it."""
    if operation == "organisation_move":
        # The agency goes below the ministry, the municipality or to the top.
        agency = Organisation.objects.get(slug="agentschap")
        parent = [None, *Organisation.objects.exclude(pk=agency.pk).order_by("pk")][a % 3]
        organisation_services.organisation_move(
            actor=None, organisation=agency, parent=parent, expected_version=agency.version
        )
        return
    apps = list(Application.objects.filter(organisation=organisation).order_by("pk"))
    lines = list(SpendLine.objects.filter(organisation=organisation).order_by("pk"))
    if operation == "app_add":
        application(
            organisation,
            f"App {counter}",
            value=a % 5 + 1,
            condition=b % 5 + 1,
            go_live_year=1990 + a % 26,  # before any end of support drawn here
            end_of_support=None if b % 4 == 0 else TODAY + dt.timedelta(days=b % 2000 - 700),
        )
    elif operation == "app_edit" and apps:
        app = apps[a % len(apps)]
        services.application_update(
            actor=None,
            application=app,
            expected_version=app.version,
            business_value=b % 5 + 1,
            end_of_support=TODAY + dt.timedelta(days=b % 1500 - 500),
        )
    elif operation == "app_delete" and apps:
        services.application_delete(actor=None, application=apps[a % len(apps)])
    elif operation == "dependency_add" and len(apps) > 1:
        one, other = apps[a % len(apps)], apps[b % len(apps)]
        if one != other and not Dependency.objects.filter(application=one, depends_on=other):
            services.dependency_add(actor=None, application=one, depends_on=other)
    elif operation == "dependency_remove":
        dependencies = list(
            Dependency.objects.filter(application__organisation=organisation).order_by("pk")
        )
        if dependencies:
            services.dependency_remove(actor=None, dependency=dependencies[a % len(dependencies)])
    elif operation == "spend_add":
        spend(
            organisation,
            2022 + a % 5,
            Decimal(b) + Decimal("0.25"),
            ("run", "change", "innovate")[b % 3],
            kind=("actual", "budget")[a % 2],
            application=apps[b % len(apps)] if apps and a % 3 == 0 else None,
        )
    elif operation == "spend_edit" and lines:
        line = lines[a % len(lines)]
        services.spend_line_update(
            actor=None, spend_line=line, expected_version=line.version, amount=Decimal(b)
        )
    elif operation == "spend_delete" and lines:
        services.spend_line_delete(actor=None, spend_line=lines[a % len(lines)])
    elif operation == "target_set":
        services.spend_target_set(
            actor=None,
            organisation=organisation,
            target_year=2024 + a % 8,
            innovate_min_percent=Decimal(b % 20),
            run_max_percent=None,
        )
    elif operation == "target_delete":
        targets = list(SpendTarget.objects.filter(organisation=organisation))
        if targets:
            services.spend_target_delete(actor=None, target=targets[a % len(targets)])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=steps)
def test_stored_figures_equal_a_fresh_computation_or_say_they_are_being_updated(
    tree, django_capture_on_commit_callbacks, changes
):
    organisations = list(tree)
    # What each stored figure showed when it was last current: a pending one must show that.
    last_current: dict = {}
    with transaction.atomic(), no_worker() as queue:
        for counter, (operation, which, a, b, worker) in enumerate(changes):
            organisation = organisations[which]
            if operation != "worker_runs":
                with django_capture_on_commit_callbacks(execute=True):
                    apply(operation, organisation, a, b, counter)
            if operation == "worker_runs" or worker:
                run_queued(queue)
            # Read again: a move changes the paths the stored figures are read by.
            organisations = [Organisation.objects.get(pk=o.pk) for o in organisations]
            if operation == "worker_runs" or worker:
                for each in organisations:
                    # Refreshed by the queued task, not by the reader: it holds the
                    # organisations below as they are now.
                    row = PortfolioFigures.objects.filter(organisation=each, kind="balance")
                    row = row.exclude(computed_at=None).first()
                    if row is not None and not row.pending:
                        below = Organisation.objects.filter(path__startswith=each.path)
                        assert row.figures["subtree_ids"] == sorted(o.pk for o in below)
            for each in organisations:
                for include_children in (True, False):
                    stored, state = figures.balance_overview_stored(
                        each, include_children=include_children, today=TODAY
                    )
                    fresh = selectors.balance_overview_from(
                        selectors.balance_overview(each, include_children).balances, each, TODAY
                    )
                    # Which target applies is read when shown, never stored.
                    assert stored.target == fresh.target
                    check(
                        last_current, (each.pk, include_children), stored, fresh, state, balance_key
                    )
                stored_risk, state = figures.legacy_risk_stored(each, today=TODAY)
                fresh_risk = selectors.legacy_risk(each, today=TODAY)
                check(last_current, (each.pk, "legacy"), stored_risk, fresh_risk, state, legacy_key)
                # The TIME part alone (what the TIME chart of a large estate reads).
                stored_time, state = figures.time_figures_stored(each, small=0)
                check(last_current, (each.pk, "time"), stored_time, fresh_risk, state, time_key)
            # The board dashboard's stored legacy and safeguard figures, per organisation and
            # rolled up (the ministry with its agency), against a fresh computation.
            for scope in [*([o.pk] for o in organisations), [tree[0].pk, tree[1].pk]]:
                board_check(last_current, scope)
        transaction.set_rollback(True)


def _legacy_by_hand(ids, today) -> tuple:
    """The legacy tile's figures from the records, in Python: applications whose end of
    support is at most 12 months after today, the actual run spend booked on them last year,
    and the five highest risks (past support first, then run cost, end, name)."""
    try:
        window_end = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        window_end = today.replace(year=today.year + 1, day=28)
    chosen = [
        a
        for a in Application.objects.filter(organisation_id__in=ids)
        if a.end_of_support is not None and a.end_of_support <= window_end
    ]
    run = {a.pk: Decimal("0.00") for a in chosen}
    for line in SpendLine.objects.filter(organisation_id__in=ids):
        if (
            line.application_id in run
            and line.year == today.year - 1
            and line.kind == "actual"
            and line.category == "run"
        ):
            run[line.application_id] += line.amount
    ranked = sorted(
        chosen,
        key=lambda a: (a.end_of_support >= today, -run[a.pk], a.end_of_support, a.name),
    )[:5]
    return (
        len(chosen),
        sum(1 for a in chosen if a.end_of_support < today),
        sum(run.values(), Decimal("0.00")),
        [(a.name, a.end_of_support, run[a.pk]) for a in ranked],
    )


def _legacy_stored_key(tile) -> tuple:
    return (
        tile.applications,
        tile.past,
        tile.run_cost,
        [(r.name, r.end_of_support, r.run_cost) for r in tile.highest],
    )


def _coverage_key(coverage) -> tuple:
    return (
        [(s.subject, s.total, s.covered) for s in coverage.subjects],
        coverage.open_high_risks,
        coverage.overdue_mitigations,
    )


def board_check(last_current, ids) -> None:
    """The stored figures equal a fresh computation (the legacy figures counted here from
    the records, the coverage by the selector over the register), or, while pending, one
    organisation's figures are what was current at the time they give (a roll-up adds rows
    of several times, so it must only say that it is being updated)."""
    today = timezone.localdate()
    organisation = Organisation.objects.get(pk=ids[0])
    tile = legacy_tile(ids, today)
    coverage = coverage_stored(ids, today)
    for name, pending, stored, fresh in (
        ("legacy-tile", tile.pending, _legacy_stored_key(tile), _legacy_by_hand(ids, today)),
        (
            "coverage",
            coverage.pending,
            _coverage_key(coverage.coverage),
            _coverage_key(coverage_for(organisation, organisation_ids=ids, today=today)),
        ),
    ):
        key = (name, tuple(ids))
        if not pending:
            assert stored == fresh, (name, ids, stored, fresh)
            last_current[key] = stored
        elif len(ids) == 1:
            assert stored == last_current[key], (name, ids)


def time_key(time) -> tuple:
    """The TIME chart's figures: applications per TIME position and score cell with their run
    cost, per position the counts and run cost; from the stored cells, or counted here from
    a fresh legacy risk's applications."""
    if hasattr(time, "cells"):
        cells = {
            (c.time, c.technical_condition, c.business_value): (c.count, c.run_cost)
            for c in time.cells
        }
    else:
        cells = {}
        for a in time.applications:
            key = (a.time, a.technical_condition, a.business_value)
            count, cost = cells.get(key, (0, Decimal("0")))
            cells[key] = (count + 1, cost + Decimal(a.run_cost).quantize(Decimal("0.01")))
    return (
        cells,
        time.time_counts,
        time.time_run_cost,
        time.migrate_eliminate_run_cost,
        time.run_cost_year,
    )


def check(last_current, key, stored, fresh, state, key_of) -> None:
    assert state.as_of is not None and state.as_of <= timezone.now()
    if state.pending:
        # Stale is allowed only as what was current at the time it gives.
        shown_as_of, shown = last_current[key]
        assert state.as_of == shown_as_of
        assert key_of(stored) == shown
    else:
        assert key_of(stored) == key_of(fresh)
        if key_of is balance_key:
            assert stored.gap == fresh.gap
        last_current[key] = (state.as_of, key_of(stored))


def test_the_scenarios_project_from_the_stored_sums_as_from_the_lines(tree):
    ministry, agency, _municipality = tree
    spend(ministry, 2025, 600, "run")
    spend(agency, 2025, 300, "change")
    spend(agency, 2025, 0, "innovate", kind="actual")
    spend(agency, 2026, 900, "run", kind="budget")
    scenario = services.scenario_create(
        actor=None, organisation=ministry, name="Meer innovatie", base_year=2025
    )
    services.scenario_change_add(
        actor=None,
        scenario=scenario,
        kind="change_innovate",
        from_year=2026,
        amount=Decimal("100"),
    )
    stored = selectors.scenario_comparison(
        ministry, items=figures.spend_items_stored(ministry), years=3
    )
    fresh = selectors.scenario_comparison(ministry, years=3)
    assert stored == fresh
    assert stored["Meer innovatie"].years[-1].split.innovate == Decimal("100.00")


def test_the_time_chart_reads_only_the_stored_time_cells(tree, django_assert_num_queries):
    ministry, *_ = tree
    for index, (value, condition) in enumerate([(5, 1), (5, 1), (2, 4), (1, 1)]):
        application(ministry, name=f"Toepassing {index}", value=value, condition=condition)
    figures.legacy_risk_stored(ministry)  # stored by the first read
    # A large estate (more than `small` applications): one query, for the TIME part only.
    with django_assert_num_queries(1):
        time, state = figures.time_figures_stored(ministry, small=0)
    assert time.applications is None and not state.pending
    by_hand = {}
    for a in Application.objects.filter(organisation=ministry):
        key = (a.business_value, a.technical_condition)
        by_hand[key] = by_hand.get(key, 0) + 1
    cells = {}
    for cell in time.cells:
        key = (cell.business_value, cell.technical_condition)
        cells[key] = cells.get(key, 0) + cell.count
    assert cells == by_hand == {(5, 1): 2, (2, 4): 1, (1, 1): 1}
    assert sum(time.time_counts.values()) == time.count == 4


def test_figures_stored_before_the_time_part_existed_are_completed_once(tree):
    ministry, *_ = tree
    application(ministry, name="Oud", value=2, condition=2)
    figures.legacy_risk_stored(ministry)
    row = PortfolioFigures.objects.get(organisation=ministry, kind="legacy")
    stored = row.figures
    del stored["time"]  # as an earlier version stored them
    PortfolioFigures.objects.filter(pk=row.pk).update(figures=stored)
    time, _state = figures.time_figures_stored(ministry, small=0)
    assert time.count == 1 and time.time_counts[time.cells[0].time] == 1
    assert "time" in PortfolioFigures.objects.get(pk=row.pk).figures
