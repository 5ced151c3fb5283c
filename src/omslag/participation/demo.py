"""Demo proposals to the demo municipality's public challenge, one in every state a proposer
can follow. Loading twice changes nothing."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from omslag.innovation import services as innovation_services
from omslag.innovation.models import Challenge, Idea
from omslag.publication.models import Kind
from omslag.publication.services import publication_publish_now

from . import services, tokens

OFFER = (
    "Een proeftuin in het klantcontactcentrum, geanonimiseerde vraaggegevens van het afgelopen "
    "jaar en tot 25.000 euro voor een pilot van drie maanden."
)
PROPOSALS = [
    # title, text, name, name public, kind, what happens to it
    ("Vragen vooraf ophalen", "Laat inwoners hun vraag vooraf typen.", "Ans", True, "citizen", ""),
    (
        "Terugbelafspraak op tijdstip",
        "Bied een terugbelafspraak aan.",
        "K. de Vries",
        False,
        "citizen",
        "confirm",
    ),
    (
        "Veelgestelde vragen in eenvoudige taal",
        "Herschrijf de tien meest gestelde vragen in taalniveau B1.",
        "Taalbureau Helder",
        True,
        "company",
        "review",
    ),
    (
        "Vraagvoorspelling met open data",
        "Voorspel drukte met <b>weer</b> en vakanties; HTML als tekst.",
        "Lector Dienstverlening",
        True,
        "knowledge_institute",
        "accept",
    ),
    (
        "Een spreekuur in de bibliotheek",
        "Elke week een spreekuur in de bibliotheek.",
        "Piet",
        False,
        "citizen",
        "merge",
    ),
    (
        "Wachttijd tonen op de website",
        "Toon live hoe lang het wachten is.",
        "Studio Wacht",
        True,
        "company",
        "experiment",
    ),
    (
        "Chatbot voor vergunningen",
        "Een chatbot die eenvoudige vergunningsvragen beantwoordt.",
        "Fatima",
        True,
        "citizen",
        "operation",
    ),
    (
        "Alles via een app",
        "Sluit het loket en doe alles via een app.",
        "Jan",
        False,
        "other",
        "decline",
    ),
]


@transaction.atomic
def participation_demo_load(organisation) -> None:
    challenge = (
        Challenge.objects.filter(organisation=organisation, visibility=Challenge.Visibility.PUBLIC)
        .order_by("pk")
        .first()
    )
    if challenge is None or challenge.proposals.exists():
        return
    # The demo challenge stays open whenever the demo runs.
    closes_on = max(challenge.closes_on or timezone.localdate(), timezone.localdate())
    challenge = innovation_services.challenge_update(
        actor=None,
        challenge=challenge,
        expected_version=challenge.version,
        offer=challenge.offer or OFFER,
        opens_on=min(challenge.opens_on, timezone.localdate()),
        closes_on=closes_on + dt.timedelta(days=90),
    )
    # Only a published challenge takes proposals.
    publication_publish_now(organisation=organisation, kind=Kind.CHALLENGE, source_id=challenge.pk)
    for number, (title, text, name, public, kind, fate) in enumerate(PROPOSALS, start=1):
        proposal = services.proposal_submit(
            challenge=challenge,
            base_url=settings.SITE_URL,
            title=title,
            text=text,
            name=name,
            name_public=public,
            organisation_type=kind,
            email=f"indiener{number}@example.org",
        )
        if fate:
            _handle(proposal, fate, challenge)


def _handle(proposal, fate, challenge):
    base_url = settings.SITE_URL
    proposal = services.proposal_confirm(token=tokens.confirm_token(proposal), base_url=base_url)
    if fate == "review":
        services.proposal_review_start(actor=None, proposal=proposal, base_url=base_url)
    elif fate == "decline":
        services.proposal_decline(
            actor=None,
            proposal=proposal,
            reason="Niet iedereen kan of wil een app gebruiken; het loket blijft.",
            base_url=base_url,
        )
    elif fate in ("merge", "operation"):
        # merged with a staff idea, or with the demo's idea whose experiment is in operation
        source = Idea.Source.STAFF if fate == "merge" else Idea.Source.PUBLIC
        similar = Idea.objects.filter(challenge=challenge, source=source).order_by("pk").first()
        services.proposal_merge(actor=None, proposal=proposal, idea=similar, base_url=base_url)
    elif fate in ("accept", "experiment"):
        idea = services.proposal_accept(actor=None, proposal=proposal, base_url=base_url)
        if fate == "experiment":
            innovation_services.idea_accept(actor=None, idea=idea, expected_version=idea.version)
            services.proposals_notify_all(base_url=base_url)
