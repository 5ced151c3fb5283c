"""The stored figures of the projects register (facet cells, portfolio forecasts): after any
sequence of changes they equal a fresh count, or say they are pending with their as-of time.

A change marks the stored figures behind in its own transaction and queues their refresh on
commit. The tests commit each change's callbacks (the task runs, as a worker would) or drop
them (the worker has not got to it yet), at random."""

import contextlib
import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omslag.analysis.projects import ReferencePair as AnalysisPair
from omslag.analysis.projects import pair_ratios, portfolio_monte_carlo
from omslag.organisations import services as organisation_services
from omslag.organisations.models import Organisation
from omslag.projects import selectors, services, tasks
from omslag.projects.gates import ProjectGateRefused
from omslag.projects.models import Project, ProjectFacetCells
from omslag.projects.selectors import ProjectFilters

from ..factories import organisation

STATUSES = ["not_started", "in_progress", "reorientation", "completed", "cancelled"]
ITERATIONS, SEED = 300, 7

# One change: (what, organisation 0 or 1, a number to pick a project, a number for values)
changes = st.lists(
    st.tuples(
        st.sampled_from(["create", "report", "status", "delete", "advice", "move"]),
        st.integers(0, 1),
        st.integers(0, 50),
        st.integers(1, 400),
    ),
    min_size=1,
    max_size=8,
)


def _apply(change, organisations):
    what, which, pick, value = change
    if what == "move":
        # The agency leaves the ministry for the top of the tree, or comes back below it.
        agency = Organisation.objects.get(pk=organisations[1].pk)
        organisation_services.organisation_move(
            actor=None,
            organisation=agency,
            parent=None if agency.parent_id else organisations[0],
            expected_version=agency.version,
        )
        return None
    owner = Organisation.objects.get(pk=organisations[which].pk)
    projects = list(Project.objects.filter(organisation=owner).order_by("pk"))
    if what == "create" or not projects:
        return services.project_create(actor=None, organisation=owner, name=f"P{value:03d}")
    project = projects[pick % len(projects)]
    if what == "report":
        services.report_create(
            actor=None,
            project=project,
            peildatum=dt.date(2020, 1, 1) + dt.timedelta(days=value),
            total_cost_estimate=Decimal(value * 100_000),
            estimated_end_date=dt.date(2024, 1, 1) + dt.timedelta(days=value * 3),
        )
    elif what == "status":
        # A move the gates refuse changes nothing; the figures must still agree.
        with contextlib.suppress(ProjectGateRefused):
            services.project_update(
                actor=None,
                project=project,
                expected_version=project.version,
                status=STATUSES[value % len(STATUSES)],
            )
    elif what == "delete":
        services.project_delete(actor=None, project=project)
    else:
        from omslag.projects.models import ReviewAdvice

        services.part_create(
            actor=None,
            model=ReviewAdvice,
            project=project,
            date=dt.date(2024, 1, 1),
            verdict="Bijsturen",
        )


def _expected_facets(projects, slugs, filters) -> dict[str, Counter]:
    """Brute force: per facet, count the projects that pass every other filter."""
    expected = {name: Counter() for name in selectors.FACET_NAMES}
    for p in projects:
        values = {
            "organisation": slugs[p.organisation_id],
            "status": p.status,
            "colour": p.colour or "none",
            "cost_bucket": p.cost_bucket or "none",
            "review_advice": "yes" if p.has_review_advice else "no",
        }
        passes = {
            "organisation": not filters.organisation
            or values["organisation"] == filters.organisation,
            "status": not filters.status or p.status in filters.status,
            "colour": not filters.colour or p.colour in filters.colour,
            "cost_bucket": not filters.cost_bucket or p.cost_bucket in filters.cost_bucket,
            "review_advice": not filters.review_advice
            or values["review_advice"] == filters.review_advice,
        }
        for name in expected:
            if all(ok for other, ok in passes.items() if other != name):
                expected[name][values[name]] += 1
    return {name: dict(counter) for name, counter in expected.items()}


def _expected_forecast(organisation_ids, reference_class):
    """The analysis core on the running projects with an estimate, ordered as documented
    (name, then id)."""
    estimates = [
        float(p.current_estimate)
        for p in Project.objects.filter(organisation_id__in=organisation_ids)
        .exclude(status__in=["completed", "cancelled"])
        .filter(current_estimate__isnull=False, not_reported_after__isnull=True)
        .order_by("name", "pk")
    ]
    if not estimates:
        return None
    ratios = pair_ratios(
        [AnalysisPair(p.earlier, p.later, p.size) for p in reference_class.pairs.all()]
    )
    return portfolio_monte_carlo(estimates, ratios, iterations=ITERATIONS, seed=SEED)


filters_strategy = st.builds(
    ProjectFilters,
    organisation=st.sampled_from(["", "sf-ministerie", "sf-dienst"]),
    status=st.lists(st.sampled_from(STATUSES), max_size=2, unique=True).map(tuple),
    colour=st.lists(st.sampled_from(["green", "amber", "red"]), max_size=2, unique=True).map(tuple),
    review_advice=st.sampled_from(["", "yes", "no"]),
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=changes,
    run_refresh=st.lists(st.booleans(), min_size=8, max_size=8),
    filters=filters_strategy,
)
def test_stored_figures_equal_a_fresh_count_or_say_they_are_pending(
    steps, run_refresh, filters, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        ministry = organisation("sf-ministerie", kind="ministry")
        agency = organisation("sf-dienst", parent=ministry)
        organisations = [ministry, agency]
        shipped = services.reference_class_shipped()
        slugs = {ministry.pk: ministry.slug, agency.pk: agency.slug}
        # Something stored before the changes: the list's counts and the forecast.
        selectors.project_facet_counts(ministry, ProjectFilters())
        selectors.portfolio_forecast_stored(ministry, shipped, iterations=ITERATIONS, seed=SEED)
        for step, refresh in zip(steps, run_refresh, strict=False):
            with django_capture_on_commit_callbacks(execute=refresh):
                _apply(step, organisations)

        counts = selectors.project_facet_counts(ministry, filters)
        forecast = selectors.portfolio_forecast_stored(
            ministry, shipped, iterations=ITERATIONS, seed=SEED
        )
        # The ministry with the agency when it is (still, or again) below it.
        below = [ministry.pk]
        if Organisation.objects.get(pk=agency.pk).parent_id == ministry.pk:
            below.append(agency.pk)
        live = list(Project.objects.filter(organisation__in=below))
        expected = _expected_facets(live, slugs, filters)
        expected_forecast = _expected_forecast(below, shipped)
        if counts.pending:
            assert counts.computed_at is not None
        else:
            assert counts.counts == expected
        if forecast.pending:
            assert forecast.computed_at is not None
        else:
            _assert_same_forecast(forecast.result, expected_forecast)

        # Once the queued refreshes have run, nothing is pending and everything is fresh.
        tasks.project_stored_figures_refresh.call([ministry.pk, agency.pk])
        counts = selectors.project_facet_counts(ministry, filters)
        forecast = selectors.portfolio_forecast_stored(
            ministry, shipped, iterations=ITERATIONS, seed=SEED
        )
        assert not counts.pending and not forecast.pending
        assert counts.counts == expected
        _assert_same_forecast(forecast.result, expected_forecast)
        transaction.set_rollback(True)


def _assert_same_forecast(result, expected):
    if expected is None:
        assert result is None
        return
    assert result.project_count == expected.project_count
    assert result.total_estimate == pytest.approx(expected.total_estimate)
    assert result.values == pytest.approx(expected.values)
    assert result.probability_over_estimate == pytest.approx(expected.probability_over_estimate)


@pytest.mark.django_db
def test_a_change_marks_the_counts_pending_until_the_refresh_runs(
    django_capture_on_commit_callbacks,
):
    ministry = organisation("sf-ministerie", kind="ministry")
    services.project_create(actor=None, organisation=ministry, name="Eerste")
    first = selectors.project_facet_counts(ministry, ProjectFilters())
    assert first.counts["status"] == {"in_progress": 1} and not first.pending

    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.project_create(actor=None, organisation=ministry, name="Tweede")
    assert len(queued) == 1  # the refresh, queued for when the change commits
    stale = selectors.project_facet_counts(ministry, ProjectFilters())
    assert stale.pending and stale.computed_at == first.computed_at
    assert stale.counts["status"] == {"in_progress": 1}  # as of then, and marked so

    queued[0]()  # the worker runs the task
    fresh = selectors.project_facet_counts(ministry, ProjectFilters())
    assert not fresh.pending and fresh.counts["status"] == {"in_progress": 2}
    assert ProjectFacetCells.objects.get(organisation=ministry).computed_at >= first.computed_at


@pytest.mark.django_db
def test_the_list_page_shows_when_its_counts_were_made_and_that_they_are_being_updated(
    client, make_member, django_capture_on_commit_callbacks
):
    ministry = organisation("sf-ministerie", kind="ministry")
    client.force_login(make_member("viewer", ministry))
    services.project_create(actor=None, organisation=ministry, name="Eerste")
    page = client.get(f"/organisations/{ministry.slug}/projects", HTTP_ACCEPT_LANGUAGE="en")
    assert "were counted on" in page.content.decode()
    assert "being updated" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        services.project_create(actor=None, organisation=ministry, name="Tweede")
    page = client.get(f"/organisations/{ministry.slug}/projects", HTTP_ACCEPT_LANGUAGE="en")
    assert "They are being updated after a recent change." in page.content.decode()


@pytest.mark.django_db
def test_with_a_search_the_counts_are_made_now_in_one_query(
    django_assert_num_queries,
):
    ministry = organisation("sf-ministerie", kind="ministry")
    services.project_create(actor=None, organisation=ministry, name="Belasting")
    services.project_create(actor=None, organisation=ministry, name="Toeslagen")
    with django_assert_num_queries(2):  # the subtree's slugs, one grouped count
        counts = selectors.project_facet_counts(ministry, ProjectFilters(search="belast"))
    assert counts.computed_at is None
    assert counts.counts["status"] == {"in_progress": 1}


@pytest.mark.django_db
def test_the_portfolio_page_shows_when_its_forecast_was_computed(
    client, make_member, django_capture_on_commit_callbacks
):
    ministry = organisation("sf-ministerie", kind="ministry")
    client.force_login(make_member("viewer", ministry))
    project = services.project_create(actor=None, organisation=ministry, name="Eerste")
    services.report_create(
        actor=None,
        project=project,
        peildatum=dt.date(2025, 1, 1),
        total_cost_estimate=Decimal(1_000_000),
    )
    url = f"/organisations/{ministry.slug}/project-portfolio"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Computed on" in page and "It is being updated" not in page
    with django_capture_on_commit_callbacks(execute=False):
        services.report_create(
            actor=None,
            project=project,
            peildatum=dt.date(2025, 6, 30),
            total_cost_estimate=Decimal(2_000_000),
        )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "It is being updated after a recent change." in page


@pytest.mark.django_db
def test_a_row_a_reader_stored_while_a_write_was_under_way_is_refreshed_by_that_write():
    """The reader counted before the write committed and created the row after the write had
    marked (no row then): the row carries no mark, but the write's refresh, which knows when
    the write committed, recomputes it."""
    from django.utils import timezone

    from omslag.common.stored_figures import stored_figure_save

    ministry = organisation("sf-ministerie", kind="ministry")
    with transaction.atomic():
        services.project_create(actor=None, organisation=ministry, name="Eerste")
    stored_figure_save(ProjectFacetCells, {"organisation_id": ministry.pk}, lambda: {"cells": []})
    committed = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
    tasks.project_stored_figures_refresh.call([ministry.pk], committed)
    counts = selectors.project_facet_counts(ministry, ProjectFilters())
    assert counts.counts["status"] == {"in_progress": 1} and not counts.pending
