"""What a sign-in writes (issue 13: sign-in under 300 ms p95 at national scale): the session,
the time of the sign-in and one audit entry; no row of the person's history with nothing
changed in it, and no second log of the sign-in beside the audit log."""

import datetime as dt

from axes.models import AccessAttempt, AccessLog
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from omslag.audit.models import AuditEntry

from ..factories import PASSWORD, PersonFactory


def test_a_sign_in_records_its_time_without_a_history_row(db):
    person = PersonFactory()
    history_before = person.history.count()
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        response = Client().post("/login", {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert before <= person.last_login <= timezone.now() + dt.timedelta(seconds=1)
    assert person.history.count() == history_before
    assert not any("historicalperson" in q["sql"].lower() for q in queries.captured_queries)
    # Recorded once, in omslag's own audit log.
    assert AuditEntry.objects.filter(event="sign_in", person=person).count() == 1
    assert not AccessLog.objects.exists()


def test_failed_attempts_are_still_counted_and_cleared_on_success(db):
    person = PersonFactory()
    client = Client()
    client.post("/login", {"username": person.email, "password": "not the password"})
    assert AccessAttempt.objects.filter(username=person.email).exists()
    assert (
        client.post("/login", {"username": person.email, "password": PASSWORD}).status_code == 302
    )
    assert not AccessAttempt.objects.filter(username=person.email).exists()
