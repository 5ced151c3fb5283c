"""Every filter and sort of the project list (the page and the API use the same selector) is
served by an index on PostgreSQL: EXPLAIN over several thousand projects in many
organisations shows no sequential scan of the projects table."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection

from omslag.projects import selectors
from omslag.projects.models import Project
from omslag.projects.selectors import SORTS, ProjectFilters

from ..conftest import skip_unless
from ..factories import organisation

PROJECTS = 6_000
ORGANISATIONS = 30

FILTERS = {
    "none": ProjectFilters(),
    "search": ProjectFilters(search="00"),
    "organisation": ProjectFilters(organisation="ix-dienst"),
    "status": ProjectFilters(status=("in_progress", "reorientation")),
    "cost_bucket": ProjectFilters(cost_bucket=("10-20",)),
    "colour": ProjectFilters(colour=("red",)),
    "review_advice": ProjectFilters(review_advice="yes"),
    "everything": ProjectFilters(
        organisation="ix-ministerie",
        status=("in_progress",),
        cost_bucket=("0-10", "10-20"),
        colour=("red", "amber"),
        review_advice="no",
    ),
}


@pytest.fixture
def national(db):
    skip_unless(connection.vendor == "postgresql", "the planner checked is PostgreSQL's")
    rng = random.Random(13)  # noqa: S311
    ministry = organisation("ix-ministerie", kind="ministry")
    agency = organisation("ix-dienst", parent=ministry)
    others = [organisation(f"ix-gemeente-{n}", kind="municipality") for n in range(ORGANISATIONS)]
    everyone = [ministry, agency, *others]
    Project.objects.bulk_create(
        [
            Project(
                organisation=everyone[i % len(everyone)],
                name=f"Project {i:05d}",
                status=rng.choice(["in_progress", "completed", "reorientation"]),
                current_estimate=Decimal(rng.randint(1, 400) * 250_000),
                cost_change_pct=rng.uniform(-10, 80),
                end_date_shift_months=rng.randint(-6, 40),
                current_end_date=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 2000)),
                latest_peildatum=dt.date(2025, rng.randint(1, 12), 1),
                cost_bucket=rng.choice(["0-10", "10-20", "20-30", "50-100", "100+"]),
                colour=rng.choice(["green", "amber", "red", ""]),
                has_review_advice=rng.random() < 0.2,
            )
            for i in range(PROJECTS)
        ],
        batch_size=2000,
    )
    _analyse()
    return ministry


def _analyse() -> None:
    """Fresh planner statistics of the tables just filled, as autovacuum would make them."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
        cursor.execute("ANALYZE organisations_organisation")


def _plans(queryset) -> list[str]:
    """The plans of the page's two queries: the rows of the first page and the count."""
    return [queryset[:25].explain(), queryset.order_by().explain()]


def test_every_filter_and_sort_uses_an_index(national):
    missed = []
    for name, chosen in FILTERS.items():
        for sort in [*SORTS, *(f"-{key}" for key in SORTS)]:
            filters = ProjectFilters(**{**chosen.__dict__, "sort": sort})
            for plan in _plans(selectors.project_list(national, filters)):
                if "Seq Scan on projects_project" in plan or "Index" not in plan:
                    missed.append(f"{name} sorted by {sort}:\n{plan}")
    assert not missed, "\n\n".join(missed)


def test_the_check_sees_a_sequential_scan(national):
    """The same check on a query no index serves (every project, by goal) does fail."""
    plan = Project.objects.filter(goal__icontains="x").order_by("goal").explain()
    assert "Seq Scan on projects_project" in plan


@pytest.fixture
def ministry_with_agencies(db):
    """As the benchmark's country: a ministry and its eight agencies hold a fifth of the
    projects, thirty other organisations the rest."""
    skip_unless(connection.vendor == "postgresql", "the planner checked is PostgreSQL's")
    rng = random.Random(19)  # noqa: S311
    ministry = organisation("pf-ministerie", kind="ministry")
    largest = [ministry, *(organisation(f"pf-dienst-{n}", parent=ministry) for n in range(8))]
    others = [organisation(f"pf-gemeente-{n}", kind="municipality") for n in range(30)]
    in_largest = PROJECTS // 5
    Project.objects.bulk_create(
        [
            Project(
                organisation=largest[i % 9] if i < in_largest else others[i % 30],
                name=f"Project {i:05d}",
                status=rng.choice(["in_progress", "completed", "reorientation"]),
                report_count=rng.randint(1, 4),
                current_estimate=Decimal(rng.randint(1, 400) * 250_000),
                cost_change_pct=rng.uniform(-10, 80),
                end_date_shift_months=rng.randint(-6, 40),
                colour=rng.choice(["green", "amber", "red", ""]),
                not_reported_after=dt.date(2025, 1, 1) if rng.random() < 0.1 else None,
            )
            for i in range(PROJECTS)
        ],
        batch_size=2000,
    )
    _analyse()
    return ministry


def test_the_portfolio_pages_reads_of_a_subtree_use_an_index(ministry_with_agencies):
    """The project portfolio page's counts and scatter (and the forecast's candidates) read
    the projects of a ministry and its agencies through the organisation indexes. Through a
    join on the organisations' path PostgreSQL read every project of the country instead."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        selectors.colour_counts(ministry_with_agencies)
        selectors.portfolio_scatter(ministry_with_agencies)
        selectors.no_longer_reported_count(ministry_with_agencies)
        selectors.currencies_of(ministry_with_agencies)
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "projects_project"' in q["sql"]]
    # colours; the scatter's rows, count and single reports; no longer reported; currencies
    assert len(reads) == 6
    missed = []
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            if "Seq Scan on projects_project" in plan:
                missed.append(f"{sql}\n{plan}")
    assert not missed, "\n\n".join(missed)


def test_the_subtree_reads_count_the_same_projects_as_a_fresh_count(ministry_with_agencies):
    """The ids of the subtree select exactly the projects of the ministry and its agencies
    (counted here from the fixture's rule: a fifth of the projects, by construction)."""
    from omslag.organisations.models import Organisation

    ids = Organisation.all_objects.filter(slug__startswith="pf-d").values_list("pk", flat=True)
    expected = Project.objects.filter(organisation_id__in=[ministry_with_agencies.pk, *ids]).count()
    assert expected == PROJECTS // 5
    assert sum(selectors.colour_counts(ministry_with_agencies).values()) == expected
