"""The portfolio forecast of the API and of ``omslag forecast`` read the stored forecast the
project portfolio page shows (without a seed and iterations of one's own), with its as-of time
and whether a refresh is pending; any other selection is computed for the request and says so.

Expected figures come from the analysis core run in the test on the estimates read back from
the database, never from the code under test."""

import datetime as dt
import io
import json
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from omslag.analysis.projects import ReferencePair as AnalysisPair
from omslag.analysis.projects import pair_ratios, portfolio_monte_carlo
from omslag.common.commands import CHOSEN
from omslag.organisations.models import Role
from omslag.projects import selectors, services
from omslag.projects.models import Project, ProjectReport, ReferenceClass
from tests.api.calls import call, ok, problem
from tests.conftest import api_client_for
from tests.factories import organisation

RATIOS = [0.8, 0.95, 1.0, 1.1, 1.2, 1.25, 1.4, 1.6, 2.0, 3.5, 1.05, 0.9]
URL = "/organisations/{slug}/forecast"
# The page's selection, written out here rather than read from the code.
PAGE_SEED, PAGE_ITERATIONS = 0, 5000


def reference_class(organisation, name="eigen"):
    return services.reference_class_save(
        actor=None,
        organisation=organisation,
        name=name,
        origin=ReferenceClass.Origin.FILE,
        pairs=[(100.0, 100.0 * r, None, "") for r in RATIOS],
    )


def project(organisation, name, estimate):
    created = services.project_create(actor=None, organisation=organisation, name=name)
    report(created, dt.date(2020, 6, 30), estimate)
    return created


def report(project, peildatum, estimate):
    services.report_create(
        actor=None,
        project=project,
        peildatum=peildatum,
        total_cost_estimate=Decimal(estimate),
        status=ProjectReport.Status.PUBLISHED,
    )


def expected(organisation, reference_class, *, seed, iterations):
    """The analysis core on the running projects with an estimate, as documented (name, id)."""
    estimates = [
        float(p.current_estimate)
        for p in Project.objects.filter(organisation__path__startswith=organisation.path)
        .exclude(status__in=["completed", "cancelled"])
        .filter(current_estimate__isnull=False, not_reported_after__isnull=True)
        .order_by("name", "pk")
    ]
    ratios = pair_ratios(
        [AnalysisPair(p.earlier, p.later, p.size) for p in reference_class.pairs.all()]
    )
    return portfolio_monte_carlo(estimates, ratios, iterations=iterations, seed=seed)


def assert_portfolio(answer, result):
    portfolio = answer["portfolio"]
    assert portfolio["projects"] == result.project_count
    assert portfolio["totalEstimate"] == pytest.approx(result.total_estimate)
    assert [portfolio["p50"], portfolio["p80"], portfolio["p90"]] == pytest.approx(
        list(result.values)
    )
    assert portfolio["probabilityOverEstimate"] == pytest.approx(result.probability_over_estimate)


def test_without_a_seed_the_api_reads_the_stored_forecast_and_follows_a_change(
    orgs, viewer, django_capture_on_commit_callbacks
):
    agency = orgs[1]
    own = reference_class(agency)
    alpha = project(agency, "Alpha", 1_000_000)
    project(agency, "Bravo", 4_000_000)
    query = {"referenceClass": own.pk}

    first = ok(call(viewer, "get", URL, query=query, slug=agency.slug))
    assert first["figures"]["stored"] is True and first["figures"]["pending"] is False
    assert first["seed"] == PAGE_SEED and first["iterations"] == PAGE_ITERATIONS
    assert_portfolio(first, expected(agency, own, seed=PAGE_SEED, iterations=PAGE_ITERATIONS))
    # The same stored row as the page reads, and the same when the selection is spelled out.
    page = selectors.portfolio_forecast_stored(
        agency, own, iterations=PAGE_ITERATIONS, seed=PAGE_SEED
    )
    assert first["portfolio"]["p80"] == page.result.values[1]
    spelled = {**query, "seed": PAGE_SEED, "iterations": PAGE_ITERATIONS}
    assert ok(call(viewer, "get", URL, query=spelled, slug=agency.slug)) == first

    # A change, and its refresh (the task runs once the change commits).
    with django_capture_on_commit_callbacks(execute=True):
        report(alpha, dt.date(2021, 6, 30), 2_500_000)
    after = ok(call(viewer, "get", URL, query=query, slug=agency.slug))
    assert after["figures"]["stored"] is True and after["figures"]["pending"] is False
    assert after["figures"]["asOf"] > first["figures"]["asOf"]
    assert after["portfolio"]["totalEstimate"] == 6_500_000.0
    assert_portfolio(after, expected(agency, own, seed=PAGE_SEED, iterations=PAGE_ITERATIONS))


def test_a_pending_refresh_is_reported_with_the_figures_as_of_before_the_change(
    orgs, viewer, django_capture_on_commit_callbacks
):
    agency = orgs[1]
    own = reference_class(agency)
    alpha = project(agency, "Alpha", 1_000_000)
    query = {"referenceClass": own.pk}
    before = ok(call(viewer, "get", URL, query=query, slug=agency.slug))

    with django_capture_on_commit_callbacks(execute=False) as queued:
        report(alpha, dt.date(2021, 6, 30), 3_000_000)
    stale = ok(call(viewer, "get", URL, query=query, slug=agency.slug))
    assert stale["figures"] == {**before["figures"], "pending": True}
    assert stale["portfolio"] == before["portfolio"]  # as of then, and marked so
    assert stale["projects"][0]["currentEstimate"] == 3_000_000.0  # per project: now

    for refresh in queued:  # the worker runs the task
        refresh()
    fresh = ok(call(viewer, "get", URL, query=query, slug=agency.slug))
    assert fresh["figures"]["pending"] is False
    assert fresh["figures"]["asOf"] > before["figures"]["asOf"]
    assert fresh["portfolio"]["totalEstimate"] == 3_000_000.0
    assert_portfolio(fresh, expected(agency, own, seed=PAGE_SEED, iterations=PAGE_ITERATIONS))


def test_another_selection_is_computed_for_the_request_and_says_so(orgs, viewer):
    agency = orgs[1]
    own = reference_class(agency)
    project(agency, "Alpha", 1_000_000)
    project(agency, "Bravo", 4_000_000)

    for extra, seed, iterations in (
        ({"seed": 3}, 3, 10_000),
        ({"seed": 0}, 0, 10_000),
        ({"seed": 3, "iterations": 5000}, 3, 5000),
    ):
        answer = ok(
            call(viewer, "get", URL, query={"referenceClass": own.pk, **extra}, slug=agency.slug)
        )
        assert answer["figures"]["stored"] is False and answer["figures"]["pending"] is False
        assert answer["seed"] == seed and answer["iterations"] == iterations
        assert_portfolio(answer, expected(agency, own, seed=seed, iterations=iterations))
    # Only iterations of one's own: computed without a seed (not repeatable), not stored.
    unseeded = ok(
        call(
            viewer,
            "get",
            URL,
            query={"referenceClass": own.pk, "iterations": 200},
            slug=agency.slug,
        )
    )
    assert unseeded["figures"]["stored"] is False and unseeded["seed"] is None


def test_nothing_to_forecast_is_422_from_the_stored_forecast_too(orgs, viewer):
    agency = orgs[1]
    own = reference_class(agency)
    services.project_create(actor=None, organisation=agency, name="Leeg")
    body = problem(
        call(viewer, "get", URL, query={"referenceClass": own.pk}, slug=agency.slug), 422
    )
    assert "Nothing to forecast" in body["detail"]


def test_another_organisations_forecast_is_not_found(orgs, outsider):
    agency = orgs[1]
    own = reference_class(agency)
    project(agency, "Alpha", 1_000_000)
    problem(call(outsider, "get", URL, query={"referenceClass": own.pk}, slug=agency.slug), 404)


def _queries(client, organisation, query) -> int:
    ok(call(client, "get", URL, query=query, slug=organisation.slug))  # stored on first use
    with CaptureQueriesContext(connection) as captured:
        answer = ok(call(client, "get", URL, query=query, slug=organisation.slug))
    assert answer["figures"]["stored"] is True
    return len(captured.captured_queries)


def test_the_query_count_does_not_grow_with_the_projects(make_member):
    small = organisation("fc-klein", kind="ministry")
    large = organisation("fc-groot", kind="ministry")
    for owner, count in ((small, 2), (large, 30)):
        for number in range(count):
            project(owner, f"Project {number:02d}", 1_000_000 + number * 10_000)
    shipped = services.reference_class_shipped()
    reader = make_member(Role.VIEWER, small)
    make_member(Role.VIEWER, large, reader)
    client = api_client_for(reader)
    query = {"referenceClass": shipped.pk}
    assert _queries(client, small, query) == _queries(client, large, query)
    answer = ok(call(client, "get", URL, query=query, slug=large.slug))
    assert len(answer["projects"]) == 30 and answer["portfolio"]["projects"] == 30
    # Every project: its estimate times numpy's quantiles of the class's ratios.
    ratios = pair_ratios([AnalysisPair(p.earlier, p.later, p.size) for p in shipped.pairs.all()])
    for row in answer["projects"]:
        number = int(row["name"].split()[1])
        assert row["currentEstimate"] == 1_000_000 + number * 10_000
        for name, q in (("p50", 0.5), ("p80", 0.8), ("p90", 0.9)):
            assert row[name] == pytest.approx(row["currentEstimate"] * np.quantile(ratios, q))
        assert row["probabilityOverrun50Percent"] == pytest.approx(np.mean(ratios >= 1.5))


def test_the_command_prints_the_as_of_time(orgs, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setenv(CHOSEN, "en")
    agency = orgs[1]
    reference_class(agency)
    alpha = project(agency, "Alpha", 1_000_000)

    def run(*extra):
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "forecast", "--org", agency.slug, "--reference-class", "eigen", *extra,
            stdout=out, stderr=err,
        )  # fmt: skip
        return json.loads(out.getvalue()), err.getvalue()

    document, said = run()
    figures = document["figures"]
    assert figures["stored"] is True and figures["pending"] is False
    assert f"as of {figures['asOf']}, stored." in said and "being updated" not in said
    stored = selectors.portfolio_forecast_stored(
        agency, ReferenceClass.objects.get(name="eigen"), iterations=PAGE_ITERATIONS, seed=PAGE_SEED
    )
    assert dt.datetime.fromisoformat(figures["asOf"]) == stored.computed_at

    with django_capture_on_commit_callbacks(execute=False):
        report(alpha, dt.date(2021, 6, 30), 2_000_000)
    document, said = run()
    assert document["figures"]["pending"] is True
    assert "They are being updated after a recent change." in said

    document, said = run("--seed", "5")
    assert document["figures"]["stored"] is False
    assert f"as of {document['figures']['asOf']}, computed for this command." in said
