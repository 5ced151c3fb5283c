"""Every filter and sort that the application list (page and API) and the balance page offer
is served by an index: PostgreSQL's plan for each of their queries, on a few thousand
applications over many organisations, scans no large table from end to end."""

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from omslag.portfolio import selectors
from omslag.portfolio.models import Application, Dependency, SpendLine

from ..conftest import skip_unless
from ..factories import member, organisation
from .test_pages import client_for

pytestmark = pytest.mark.django_db

LARGE_TABLES = ("portfolio_application", "portfolio_spendline", "portfolio_dependency")
# The first organisation is the large one, as a ministry's agency among municipalities.
APPLICATIONS_LARGE, APPLICATIONS_EACH, LINES_EACH = 1500, 60, 300


@pytest.fixture
def estate(tree):
    skip_unless(connection.vendor == "postgresql", "the query plans are PostgreSQL's")
    rng = random.Random(5)  # noqa: S311
    ministry = tree[0]
    organisations = [tree[1]] + [
        organisation(f"dienst-{i}", parent=ministry if i % 3 == 0 else None) for i in range(1, 30)
    ]
    today = dt.date.today()
    for each in organisations:
        count = APPLICATIONS_LARGE if each == organisations[0] else APPLICATIONS_EACH
        apps = Application.objects.bulk_create(
            Application(
                organisation=each,
                name=f"Toepassing {i:03d}",
                vendor=f"Leverancier {i % 9}",
                owner_unit=f"Afdeling {i % 7}",
                go_live_year=rng.randint(1990, 2025),
                end_of_support=None
                if i % 8 == 0
                else today + dt.timedelta(days=rng.randint(-900, 2500)),
                business_value=rng.randint(1, 5),
                technical_condition=rng.randint(1, 5),
                status=rng.choice(["planned", "in_use", "being_retired"]),
                availability=rng.choice(["low", "medium", "high"]),
                integrity=rng.choice(["low", "medium", "high"]),
                confidentiality=rng.choice(["low", "medium", "high"]),
            )
            for i in range(count)
        )
        Dependency.objects.bulk_create(
            Dependency(application=apps[i], depends_on=apps[(i * 7 + 1) % len(apps)])
            for i in range(len(apps))
            if i != (i * 7 + 1) % len(apps)
        )
        SpendLine.objects.bulk_create(
            SpendLine(
                organisation=each,
                year=2016 + i % 10,
                kind=("actual", "budget")[i % 2],
                category=("run", "change", "innovate")[i % 3],
                amount=Decimal(rng.randint(100, 90_000)),
                application=apps[i % len(apps)] if i % 4 else None,
            )
            for i in range(LINES_EACH)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return organisations


PAGE_QUERIES = [
    "",
    "?q=Toepassing+01",
    "?time=migrate&time=eliminate",
    "?status=in_use&status=planned",
    "?owner=Afdeling+3",
    "?end_of_support=past",
    "?end_of_support=within-24-months",
    "?end_of_support=until-12-months",
    "?end_of_support=later",
    "?end_of_support=unknown",
    "?bio_high=availability",
    "?bio_high=any",
    "?below=on",
    *[f"?sort={order}{key}&page=2" for key in selectors.SORTS for order in ("", "-")],
]
API_QUERIES = [
    "",
    "?search=Toepassing",
    "?time=invest,tolerate",
    "?status=being_retired",
    "?owner=Afdeling",
    "?endOfSupport=within-24-months",
    "?bioHigh=confidentiality",
    *[f"?sort={order}{key}" for key in selectors.SORTS for order in ("", "-")],
]


def full_scans(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return [table for table in LARGE_TABLES if re.search(rf"Seq Scan on {table}\b", plan)]


def queries_of(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and any(t in q["sql"] for t in LARGE_TABLES)
    ]


def test_the_application_list_and_balance_queries_use_indexes(estate):
    ministry_agency = estate[0]
    viewer = client_for(member("viewer", ministry_agency))
    base = f"/organisations/{ministry_agency.slug}"
    urls = [f"{base}/applications{query}" for query in PAGE_QUERIES]
    urls += [f"/api/v1{base}/applications{query}" for query in API_QUERIES]
    urls += [f"{base}/balance", f"{base}/balance?below=0", f"/api/v1{base}/balance"]
    urls += [f"/api/v1{base}/legacy-risk"]
    viewer.get(f"{base}/balance")  # stores the figures: the reads below are what a view costs
    checked = 0
    for url in urls:
        for sql in queries_of(viewer, url):
            assert full_scans(sql) == [], (url, sql)
            checked += 1
    assert checked >= len(PAGE_QUERIES) + len(API_QUERIES)


@pytest.mark.parametrize(
    "sort, index",
    [
        ("go-live", "application_org_go_live"),
        ("-go-live", "application_org_go_live_desc"),
        ("end-of-support", "portfolio_a_organis_87b9a0_idx"),
        ("-end-of-support", "application_org_eos_desc"),
        ("-value", "application_org_value"),
        ("condition", "application_org_condition"),
        ("-vendor", "application_org_vendor"),
        # The unique name per organisation is an index on the same columns.
        ("-name", "application_unique_name_per_organisation"),
    ],
)
def test_a_page_sorted_on_an_indexed_column_reads_it_in_order(estate, sort, index):
    filters = selectors.ApplicationFilters(sort=sort)
    plan = selectors.application_list(estate[0], filters)[:50].explain()
    assert re.search(rf"Index Scan( Backward)? using {index}\b", plan), plan


def test_the_plans_are_read_right(estate):
    """The check above can fail: without a usable index PostgreSQL scans the table."""
    assert full_scans("SELECT id FROM portfolio_application WHERE users = 7") == [
        "portfolio_application"
    ]
