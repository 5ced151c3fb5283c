"""The moderation queue (accept as idea, merge, decline with a reason), who may use it, and
the status the proposer follows to the end with an e-mail at every change."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from omslag.innovation import services as innovation_services
from omslag.innovation.models import Experiment, Idea, Stage
from omslag.organisations.models import Role
from omslag.participation import services
from omslag.participation.models import Proposal
from tests.factories import PersonFactory, member, organisation

from .support import public_challenge, send_and_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge():
    return public_challenge()


@pytest.fixture
def editor(challenge):
    return member(Role.EDITOR, challenge.organisation)


def staff_client(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def follow_page(proposal) -> str:
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/open/challenges/follow/{proposal.follow_token}")
    assert page.status_code == 200
    return " ".join(page.content.decode().split())


def last_mail_to(address):
    sent = [message for message in mail.outbox if address in message.to]
    return sent[-1]


def test_accept_makes_an_idea_crediting_the_public_name(challenge, editor):
    proposal = send_and_confirm(Client(), challenge)
    response = staff_client(editor).post(
        f"/proposals/{proposal.pk}/accept", {f"p{proposal.pk}-title": "Bibliotheekspreekuur"}
    )
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert (idea.title, idea.description, idea.source, idea.challenge, idea.author_name) == (
        "Bibliotheekspreekuur",
        "Elke dinsdag een spreekuur in de bibliotheek.",
        Idea.Source.PUBLIC,
        challenge,
        "Jan Jansen",
    )
    proposal.refresh_from_db()
    assert proposal.moderation == Proposal.Moderation.ACCEPTED and proposal.idea == idea
    assert "Status: Accepted as an idea" in follow_page(proposal)
    assert "accepted as an idea" in last_mail_to("jan@example.org").subject


def test_accept_credits_an_anonymous_proposer_by_kind_only(challenge, editor):
    proposal = send_and_confirm(
        Client(), challenge, name="Geheim Persoon", name_public=None, organisation_type="company"
    )
    services.proposal_accept(actor=editor, proposal=proposal, base_url="http://x")
    idea = Idea.objects.get()
    # stored in the site's language (Dutch), whoever moderates
    assert idea.author_name == "anonieme indiener (bedrijf)"
    assert "Geheim" not in idea.author_name


def test_merge_with_a_similar_idea(challenge, editor):
    similar = innovation_services.idea_submit(
        actor=editor,
        organisation=challenge.organisation,
        challenge=challenge,
        title="Spreekuur op locatie",
        description="Van medewerkers.",
    )
    proposal = send_and_confirm(Client(), challenge)
    staff = staff_client(editor)
    queue = staff.get(f"/challenges/{challenge.pk}/proposals").content.decode()
    assert f'<option value="{similar.pk}">Spreekuur op locatie</option>' in queue
    staff.post(f"/proposals/{proposal.pk}/merge", {f"p{proposal.pk}-idea": similar.pk})
    proposal.refresh_from_db()
    assert proposal.moderation == Proposal.Moderation.MERGED and proposal.idea == similar
    assert Idea.objects.count() == 1  # no new idea
    page = follow_page(proposal)
    assert "Status: Merged with a similar idea" in page and "Spreekuur op locatie" in page


def test_merge_is_refused_with_an_idea_of_another_organisation(challenge, editor):
    other = organisation("elders", kind="municipality")
    foreign = innovation_services.idea_submit(
        actor=None, organisation=other, title="Elders", description="x"
    )
    proposal = send_and_confirm(Client(), challenge)
    data = {f"p{proposal.pk}-idea": foreign.pk}
    staff_client(editor).post(f"/proposals/{proposal.pk}/merge", data)
    proposal.refresh_from_db()
    assert proposal.moderation == Proposal.Moderation.RECEIVED and proposal.idea is None


def test_decline_needs_a_reason_which_the_proposer_reads(challenge, editor):
    proposal = send_and_confirm(Client(), challenge)
    staff = staff_client(editor)
    blank = {f"p{proposal.pk}-reason": " "}
    response = staff.post(f"/proposals/{proposal.pk}/decline", blank, follow=True)
    assert "Say why the proposal is declined." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.moderation == Proposal.Moderation.RECEIVED
    reason = "Dit doen we al sinds vorig jaar."
    staff.post(f"/proposals/{proposal.pk}/decline", {f"p{proposal.pk}-reason": reason})
    proposal.refresh_from_db()
    assert proposal.moderation == Proposal.Moderation.DECLINED
    assert proposal.decline_reason == reason
    page = follow_page(proposal)
    assert "Status: Declined" in page and reason in page
    message = last_mail_to("jan@example.org")
    assert reason in message.body and "declined" in message.subject
    # a handled proposal cannot be handled again
    staff.post(f"/proposals/{proposal.pk}/accept", {f"p{proposal.pk}-title": "Toch"})
    assert Idea.objects.count() == 0


def test_the_follower_sees_every_status_to_the_end_with_an_e_mail_at_each(challenge, editor):
    proposal = send_and_confirm(Client(), challenge)
    seen = [("received", "Received")]
    services.proposal_review_start(actor=editor, proposal=proposal, base_url="http://x")
    seen.append(("under review", "Under review"))
    idea = services.proposal_accept(actor=editor, proposal=proposal, base_url="http://x")
    seen.append(("accepted as an idea", "Accepted as an idea"))

    # The pipeline moves on by itself; the notify command tells the proposer.
    experiment = innovation_services.idea_accept(
        actor=editor, idea=idea, expected_version=idea.version
    )
    call_command("participation", "notify")
    seen.append(("in an experiment", "In an experiment"))
    Experiment.objects.filter(pk=experiment.pk).update(stage=Stage.IN_OPERATION)
    call_command("participation", "notify")
    seen.append(("in operation", "In operation"))
    call_command("participation", "notify")  # nothing changed: no e-mail

    to_proposer = [m for m in mail.outbox if m.to == ["jan@example.org"]]
    # the confirmation link first, then one e-mail per status
    assert len(to_proposer) == 1 + len(seen)
    for message, (in_subject, _label) in zip(to_proposer[1:], seen, strict=True):
        assert in_subject in message.subject
        assert f"/open/challenges/follow/{proposal.follow_token}" in message.body
    assert "Status: In operation" in follow_page(proposal)


def test_a_stopped_experiment_and_a_declined_idea_reach_the_follower(challenge, editor):
    first = send_and_confirm(Client(), challenge)
    second = send_and_confirm(Client(), challenge, email="piet@example.org", title="Tweede")
    idea = services.proposal_accept(actor=editor, proposal=first, base_url="http://x")
    experiment = innovation_services.idea_accept(
        actor=editor, idea=idea, expected_version=idea.version
    )
    Experiment.objects.filter(pk=experiment.pk).update(
        stage=Stage.STOPPED, stopped_reason="Te weinig effect gemeten."
    )
    other = services.proposal_accept(actor=editor, proposal=second, base_url="http://x")
    innovation_services.idea_review(
        actor=editor,
        idea=other,
        expected_version=other.version,
        status=Idea.Status.DECLINED,
        reason="Past niet in het budget.",
    )
    assert services.proposals_notify_all(base_url="http://x") == 2
    assert "Te weinig effect gemeten." in follow_page(first)
    assert "The experiment stopped" in follow_page(first)
    page = follow_page(second)
    assert "Status: Declined" in page and "Past niet in het budget." in page


def test_who_may_moderate(challenge):
    org = challenge.organisation
    viewer = member(Role.VIEWER, org)
    outsider = member(Role.EDITOR, organisation("elders", kind="municipality"))
    proposal = send_and_confirm(Client(), challenge)
    queue = f"/challenges/{challenge.pk}/proposals"
    assert Client().get(queue).status_code == 302  # to sign-in
    assert staff_client(viewer).get(queue).status_code == 403
    assert staff_client(viewer).post(f"/proposals/{proposal.pk}/review").status_code == 403
    assert staff_client(outsider).get(queue).status_code == 404
    assert staff_client(outsider).post(f"/proposals/{proposal.pk}/review").status_code == 404
    # the owner moderates with a viewing role; an administrator too
    challenge.owner = viewer
    challenge.save(update_fields=["owner"])
    assert staff_client(viewer).get(queue).status_code == 200
    assert staff_client(member(Role.ADMIN, org)).get(queue).status_code == 200
    assert staff_client(viewer).post(f"/proposals/{proposal.pk}/review").status_code == 302
    proposal.refresh_from_db()
    assert proposal.moderation == Proposal.Moderation.UNDER_REVIEW


def test_the_moderation_queue_never_shows_the_e_mail_address(challenge, editor):
    send_and_confirm(Client(), challenge)
    page = staff_client(editor).get(f"/challenges/{challenge.pk}/proposals").content.decode()
    assert "Jan Jansen" in page and "jan@example.org" not in page


def test_unconfirmed_proposals_cannot_be_moderated(challenge, editor):
    Client().post(f"/open/challenges/{challenge.pk}", {})  # nothing
    from .support import send

    send(Client(), challenge)
    proposal = Proposal.objects.get()
    response = staff_client(editor).post(f"/proposals/{proposal.pk}/accept")
    assert response.status_code == 404
    assert PersonFactory  # factories import used
