"""The assessment list (newest change first, filtered by status or not) is served by an index
on PostgreSQL: on thousands of assessments over many organisations the plan of the page's
query reads one organisation's newest rows from an index instead of sorting all of them."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from omslag.safeguards.models import Assessment, AssessmentStatus

from ..conftest import skip_unless
from ..factories import member, organisation
from .conftest import new_experiment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessments(templates):
    skip_unless(connection.vendor == "postgresql", "the query plans are PostgreSQL's")
    template = templates["privacy-prescan"]
    # The first is the large one (the largest ministry of the national seed has 1,670).
    organisations = [organisation(f"gemeente-{i}", kind="municipality") for i in range(15)]
    now = timezone.now()
    statuses = list(AssessmentStatus.values)
    for number, each in enumerate(organisations):
        experiment = new_experiment(each, title=f"Proef {number}")
        Assessment.objects.bulk_create(
            Assessment(
                organisation=each,
                template=template,
                kind=template.kind,
                experiment=experiment,
                title=f"Toets {number}-{i}",
                status=statuses[i % len(statuses)],
                updated_at=now - dt.timedelta(minutes=i),
            )
            for i in range(2000 if number == 0 else 200)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE safeguards_assessment")
    return organisations


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("query", ["", "?status=submitted", "?status=approved&page=2"])
def test_the_assessment_list_reads_its_page_from_an_index(client, assessments, query):
    own = assessments[0]
    client.force_login(member("viewer", own))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/organisations/{own.slug}/assessments{query}")
    assert page.status_code == 200
    listed = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "safeguards_assessment"."id"') and "LIMIT" in q["sql"]
    ]
    assert len(listed) == 1
    plan = plan_of(listed[0])
    assert "assessment_org_updated" in plan or "assessment_org_status" in plan, plan
    # \b: a scan of the small template table (safeguards_assessmenttemplate) is no scan of
    # the assessments.
    assert not re.search(r"Seq Scan on safeguards_assessment\b", plan), plan
