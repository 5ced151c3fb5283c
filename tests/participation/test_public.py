"""The public side of a challenge: reading it without an account, sending a proposal that
counts only once confirmed, and the abuse limits (honeypot, fill time, rate limits, size)."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from omslag.innovation.models import Challenge
from omslag.organisations.models import Role
from omslag.participation import selectors
from omslag.participation.models import DroppedSubmission, Proposal
from omslag.participation.tokens import form_opened_token
from tests.factories import member

from .support import LINK, form_data, links_in, public_challenge, send, send_and_confirm

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_reads_an_open_public_challenge():
    challenge = public_challenge()
    page = Client().get(f"/open/challenges/{challenge.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("Minder wachten bij het loket", "Inwoners wachten lang.", "20.000 euro"):
        assert shown in text
    listing = Client().get("/open/challenges").content.decode()
    assert f'href="/open/challenges/{challenge.pk}"' in listing


@pytest.mark.parametrize(
    "fields",
    [
        {"visibility": Challenge.Visibility.INTERNAL},
        {"opens_on": dt.date.today() + dt.timedelta(days=3), "closes_on": None},
        {"opens_on": dt.date(2020, 1, 1), "closes_on": dt.date(2020, 2, 1)},
    ],
    ids=["internal", "not-yet-open", "closed"],
)
def test_internal_closed_or_future_challenges_are_not_found(fields):
    challenge = public_challenge(**fields)
    assert Client().get(f"/open/challenges/{challenge.pk}").status_code == 404
    assert Client().post(f"/open/challenges/{challenge.pk}", form_data()).status_code == 404
    assert challenge not in selectors.challenges_public()
    assert Proposal.objects.count() == 0


def test_a_challenge_without_closing_date_stays_open():
    challenge = public_challenge(closes_on=None)
    assert selectors.challenge_public_get(challenge.pk) == challenge


def test_proposal_counts_only_after_the_confirmation_link_is_opened():
    challenge = public_challenge()
    owner = member(Role.EDITOR, challenge.organisation)
    client = Client()
    response = send(client, challenge)
    assert response.status_code == 302 and response["Location"].endswith("/sent")
    proposal = Proposal.objects.get()
    assert proposal.moderation == Proposal.Moderation.UNCONFIRMED
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jan@example.org"]

    staff = Client()
    staff.force_login(owner)
    queue = staff.get(f"/challenges/{challenge.pk}/proposals").content.decode()
    assert "Spreekuur in de bibliotheek" not in queue

    # Opening the page alone (a link checker) confirms nothing; the button does.
    confirm = links_in(mail.outbox[0])[0].split("testserver", 1)[1]
    assert client.get(confirm).status_code == 200
    proposal.refresh_from_db()
    assert proposal.moderation == Proposal.Moderation.UNCONFIRMED
    response = client.post(confirm)
    assert response["Location"] == f"/open/challenges/follow/{proposal.follow_token}"
    proposal.refresh_from_db()
    assert proposal.moderation == Proposal.Moderation.RECEIVED and proposal.confirmed_at
    assert (
        "Spreekuur in de bibliotheek"
        in staff.get(f"/challenges/{challenge.pk}/proposals").content.decode()
    )
    # the second e-mail says it was received and carries the private link
    assert len(mail.outbox) == 2
    assert f"/open/challenges/follow/{proposal.follow_token}" in mail.outbox[1].body
    # opening the link again changes nothing and sends nothing
    client.post(confirm)
    assert len(mail.outbox) == 2


def test_a_forged_or_expired_confirmation_link_is_refused(settings):
    challenge = public_challenge()
    client = Client()
    send(client, challenge)
    confirm = links_in(mail.outbox[0])[0].split("testserver", 1)[1]
    assert client.post(confirm[:-3] + "abc").status_code == 400
    settings.PROPOSAL_CONFIRM_HOURS = 0
    time.sleep(1.1)
    response = client.post(confirm)
    assert response.status_code == 400
    assert "not valid or has expired" in response.content.decode() or "verlopen" in (
        response.content.decode()
    )
    assert Proposal.objects.get().moderation == Proposal.Moderation.UNCONFIRMED


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"website": "http://spam.example"}, DroppedSubmission.Reason.HONEYPOT),
        ({"opened": form_opened_token(at=time.time() + 3600)}, DroppedSubmission.Reason.TOO_FAST),
        ({"opened": None}, DroppedSubmission.Reason.TOO_FAST),
        ({"opened": "forged"}, DroppedSubmission.Reason.TOO_FAST),
    ],
    ids=["honeypot", "too-fast", "no-opening-time", "forged-opening-time"],
)
def test_bots_are_dropped_quietly_and_counted(overrides, reason):
    challenge = public_challenge()
    owner = member(Role.EDITOR, challenge.organisation)
    for _ in range(2):
        response = send(Client(), challenge, **overrides)
        # the same answer a person gets
        assert response.status_code == 302 and response["Location"].endswith("/sent")
    assert Proposal.objects.count() == 0 and mail.outbox == []
    assert DroppedSubmission.objects.get(challenge=challenge, reason=reason).count == 2
    staff = Client()
    staff.force_login(owner)
    assert "2 forms were dropped" in staff.get(
        f"/challenges/{challenge.pk}/proposals", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode().replace("\n", " ")


def test_a_form_sent_within_the_minimum_time_is_dropped(settings):
    settings.PROPOSAL_MIN_SECONDS = 30
    challenge = public_challenge()
    send(Client(), challenge, opened=form_opened_token(at=time.time() - 10))
    assert Proposal.objects.count() == 0
    send(Client(), challenge, opened=form_opened_token(at=time.time() - 31))
    assert Proposal.objects.count() == 1


def _retry_after_expected(sent_at: float) -> int:
    return 3600 - int(sent_at) % 3600


def test_rate_limit_per_client_address_answers_429_with_retry_after(settings):
    settings.PROPOSAL_LIMIT_PER_ADDRESS = 2
    challenge = public_challenge()
    client = Client(REMOTE_ADDR="192.0.2.7")
    for number in range(2):
        assert send(client, challenge, email=f"p{number}@example.org").status_code == 302
    sent_at = time.time()
    response = send(client, challenge, email="p3@example.org")
    assert response.status_code == 429
    assert abs(int(response["Retry-After"]) - _retry_after_expected(sent_at)) <= 2
    assert Proposal.objects.count() == 2
    # another address is not held back
    other = send(Client(REMOTE_ADDR="192.0.2.8"), challenge, email="p4@example.org")
    assert other.status_code == 302


def test_rate_limit_per_email_address(settings):
    settings.PROPOSAL_LIMIT_PER_EMAIL = 1
    challenge = public_challenge()
    assert send(Client(REMOTE_ADDR="192.0.2.1"), challenge).status_code == 302
    response = send(Client(REMOTE_ADDR="192.0.2.2"), challenge, email="JAN@example.org ")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Proposal.objects.count() == 1


def test_an_oversized_proposal_gets_a_clear_message_and_keeps_the_text(settings):
    settings.PROPOSAL_MAX_CHARS = 100
    challenge = public_challenge()
    text = "x" * 130
    response = send(Client(HTTP_ACCEPT_LANGUAGE="en"), challenge, text=text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "130 characters long; the limit is 100" in page
    assert "shorten it by 30 characters" in page
    assert text in page  # nothing typed is lost
    assert Proposal.objects.count() == 0


def test_missing_consent_and_bad_email_are_explained():
    challenge = public_challenge()
    response = send(Client(HTTP_ACCEPT_LANGUAGE="en"), challenge, consent=None, email="nope")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please accept the privacy statement" in page
    assert "valid email address" in page
    assert Proposal.objects.count() == 0


def test_html_in_a_proposal_is_shown_as_text():
    challenge = public_challenge()
    owner = member(Role.EDITOR, challenge.organisation)
    html = '<script>alert("x")</script><b>vet</b>'
    proposal = send_and_confirm(Client(), challenge, text=html, title="<i>titel</i>")
    follow = Client().get(f"/open/challenges/follow/{proposal.follow_token}").content.decode()
    staff = Client()
    staff.force_login(owner)
    queue = staff.get(f"/challenges/{challenge.pk}/proposals").content.decode()
    for page in (follow, queue):
        assert "<script>alert" not in page and "<b>vet</b>" not in page and "<i>titel" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt;" in page


def test_the_follow_link_is_unguessable_and_private():
    challenge = public_challenge()
    proposal = send_and_confirm(Client(), challenge)
    assert len(proposal.follow_token) >= 40
    assert Client().get("/open/challenges/follow/not-a-token").status_code == 404
    response = Client().get(f"/open/challenges/follow/{proposal.follow_token}")
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    # the e-mail address is never shown, not even on the private page
    assert "jan@example.org" not in response.content.decode()


def test_the_privacy_statement_is_public_and_names_the_retention(settings):
    settings.PROPOSAL_RETENTION_DAYS = 123
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/open/challenges/privacy")
    assert page.status_code == 200
    assert "123 days after their last change" in page.content.decode().replace("\n", " ")


def test_the_links_in_e_mails_are_absolute():
    challenge = public_challenge()
    send(Client(), challenge)
    assert LINK.findall(mail.outbox[0].body)[0].startswith("http://testserver/open/challenges/")
    assert timezone.now()


def test_e_mails_follow_the_language_of_the_form():
    challenge = public_challenge()
    send(Client(), challenge, language="nl")
    send(Client(), challenge, language="en", email="anna@example.org")
    dutch, english = mail.outbox
    assert dutch.subject == 'Bevestig uw voorstel op "Minder wachten bij het loket"'
    assert english.subject == 'Confirm your proposal to "Minder wachten bij het loket"'


def test_the_public_list_costs_the_same_queries_for_one_or_many_challenges(
    django_assert_max_num_queries,
):
    from tests.factories import organisation

    public_challenge()
    client = Client()
    with CaptureQueriesContext(connection) as one:
        assert client.get("/open/challenges").status_code == 200
    other = organisation("andere-gemeente", kind="municipality")
    for number in range(4):
        public_challenge(other, title=f"Uitdaging {number}")
    with django_assert_max_num_queries(len(one)):
        page = client.get("/open/challenges")
    assert page.content.decode().count('class="card"') == 5
