"""What the participation tests share: a public challenge, a filled-in proposal form, and
sending and confirming a proposal as a visitor would."""

import datetime as dt
import re
import time

from django.core import mail
from django.utils import timezone

from omslag.innovation import services as innovation_services
from omslag.innovation.models import Challenge
from omslag.participation.models import Proposal
from omslag.participation.tokens import form_opened_token
from omslag.publication.models import Kind
from omslag.publication.services import publication_publish_now
from tests.factories import organisation

LINK = re.compile(r"https?://\S+")


def public_challenge(org=None, *, owner=None, **fields):
    today = timezone.localdate()
    values = {
        "title": "Minder wachten bij het loket",
        "problem_statement": "Inwoners wachten lang.",
        "offer": "Een proeftuin en 20.000 euro.",
        "visibility": Challenge.Visibility.PUBLIC,
        "opens_on": today - dt.timedelta(days=10),
        "closes_on": today + dt.timedelta(days=30),
        **fields,
    }
    challenge = innovation_services.challenge_create(
        actor=None,
        organisation=org or organisation("gemeente-test", kind="municipality"),
        owner=owner,
        **values,
    )
    if challenge.visibility == Challenge.Visibility.PUBLIC:
        # A public challenge is answered only once it is published (four eyes, or the
        # platform at once as here).
        publication_publish_now(
            organisation=challenge.organisation, kind=Kind.CHALLENGE, source_id=challenge.pk
        )
    return challenge


def form_data(**overrides):
    data = {
        "title": "Spreekuur in de bibliotheek",
        "text": "Elke dinsdag een spreekuur in de bibliotheek.",
        "name": "Jan Jansen",
        "name_public": "on",
        "organisation_type": "citizen",
        "email": "jan@example.org",
        "consent": "on",
        # opened a minute ago: a person had time to type
        "opened": form_opened_token(at=time.time() - 60),
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}


def links_in(message) -> list[str]:
    return LINK.findall(message.body)


def send(client, challenge, *, language="en", **overrides):
    """Send the proposal form; e-mails to the proposer follow the form's language."""
    return client.post(
        f"/open/challenges/{challenge.pk}",
        form_data(**overrides),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def send_and_confirm(client, challenge, **overrides) -> Proposal:
    """Send a proposal and open the confirmation link from the e-mail; return it."""
    before = len(mail.outbox)
    response = send(client, challenge, **overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    confirm_link = links_in(mail.outbox[before])[0]
    path = confirm_link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    return Proposal.objects.get(follow_token=response["Location"].rsplit("/", 1)[1])
