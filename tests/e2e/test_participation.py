"""An anonymous visitor answers a public challenge in Chromium without JavaScript: reads it,
sends a proposal, confirms it through the link in the e-mail the file backend wrote, and
follows it through the private link while the owner accepts one proposal (it becomes an idea)
and declines another with a reason. Every page on the way passes axe-core (WCAG 2.1 A/AA)."""

import re
import time
from pathlib import Path

import pytest

from omslag.innovation.models import Idea
from omslag.participation.models import Proposal
from omslag.participation.selectors import challenges_public

from .support import E2E, SnapshotTour, Tour, screenshot, sign_in

pytestmark = E2E

LINK = re.compile(r"http://[^\s]+/open/challenges/(?:confirm|follow)/[^\s]+")


@pytest.fixture
def mailbox(settings, tmp_path):
    """The demo's e-mail backend: every message a file in a folder."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.PROPOSAL_MIN_SECONDS = 1
    settings.PROPOSAL_MAX_CHARS = 300
    return Path(settings.EMAIL_FILE_PATH)


def _messages(mailbox: Path) -> list[str]:
    if not mailbox.exists():
        return []
    return [path.read_text() for path in sorted(mailbox.iterdir(), key=lambda p: p.stat().st_mtime)]


def _link_to(mailbox: Path, address: str, kind: str) -> str:
    for text in reversed(_messages(mailbox)):
        if f"To: {address}" in text:
            links = [link for link in LINK.findall(text) if f"/{kind}/" in link]
            if links:
                return links[0]
    raise AssertionError(f"no {kind} link e-mailed to {address}")


def _send_proposal(tour: Tour, challenge_pk: int, *, title: str, email: str, text: str):
    page = tour.page
    tour.visit(f"/open/challenges/{challenge_pk}", "public challenge")
    page.fill("#id_title", title)
    page.fill("#id_text", text)
    page.fill("#id_name", "Noor")
    page.check("#id_name_public")
    page.check("input[name=organisation_type][value=citizen]")
    page.fill("#id_email", email)
    page.check("#id_consent")
    time.sleep(1.2)  # a person takes longer than the minimum fill time
    tour.submit(page.locator("main form button[type=submit]"), "proposal sent")
    assert f"/open/challenges/{challenge_pk}/sent" in page.url


def _confirm(tour: Tour, mailbox: Path, email: str) -> str:
    page = tour.page
    confirm = _link_to(mailbox, email, "confirm")
    tour.visit(confirm.split(tour.base_url, 1)[1], "confirmation page")
    tour.submit(page.locator("main form button[type=submit]"), "followed proposal")
    assert "/open/challenges/follow/" in page.url
    return page.url


def test_a_visitor_proposes_and_follows_while_the_owner_accepts_and_declines(
    demo, new_page, mailbox, settings
):
    challenge = challenges_public().get(organisation__slug="gemeente-wadderveen")
    checker = new_page()  # JavaScript on: only for axe-core, never for the walk itself
    visitor = SnapshotTour(
        new_page(java_script_enabled=False), demo.url, "a visitor not signed in", checker=checker
    )
    page = visitor.page

    visitor.visit("/open/challenges", "open challenges")
    with page.expect_navigation():
        page.locator(f"main a[href='/open/challenges/{challenge.pk}']").click()
    visitor.check("public challenge")
    assert challenge.problem_statement in page.inner_text("main")
    assert challenge.offer.split(",")[0] in page.inner_text("main")
    screenshot(page, "public-challenge")

    # An oversized proposal is refused with a clear message and the text kept.
    too_long = "te lang " * 60
    page.fill("#id_text", too_long)
    time.sleep(1.2)  # longer than the minimum fill time, or the form is dropped as automated
    visitor.submit(page.locator("main form button[type=submit]"), "form with errors", status=400)
    summary = page.inner_text(".error-summary")
    # the length counted as a person sees it: without the trailing space Django strips
    assert f"{len(too_long.strip())} tekens lang" in summary and "grens is 300" in summary
    visitor.visit("/open/challenges/privacy", "privacy statement")
    visitor.visit("/open/accessibility", "accessibility statement")

    # 1. A proposal the owner will accept.
    _send_proposal(
        visitor,
        challenge.pk,
        title="Wachtrij per sms",
        email="noor@example.org",
        text="Stuur een <b>sms</b> als u bijna aan de beurt bent.",
    )
    assert Proposal.objects.get(email="noor@example.org").moderation == "unconfirmed"
    follow_accepted = _confirm(visitor, mailbox, "noor@example.org")
    assert "Ontvangen" in page.inner_text(".idea-status-box")
    assert "<b>sms</b>" in page.inner_text("main")  # HTML shown as text

    # 2. A proposal the owner will decline.
    _send_proposal(
        visitor,
        challenge.pk,
        title="Alleen nog digitaal",
        email="noor2@example.org",
        text="Sluit de balie.",
    )
    follow_declined = _confirm(visitor, mailbox, "noor2@example.org")

    # The owner's side: an editor of the municipality moderates.
    owner = SnapshotTour(new_page(java_script_enabled=False), demo.url, "editor", checker=checker)
    sign_in(owner.page, demo.url, "redacteur@omslag.example")
    owner.visit(f"/challenges/{challenge.pk}/proposals", "moderation queue")
    accepted = Proposal.objects.get(email="noor@example.org")
    declined = Proposal.objects.get(email="noor2@example.org")
    section = owner.page.locator(f"section[aria-labelledby='proposal-{accepted.pk}']")
    section.locator(f"#id_p{accepted.pk}-title").fill("Wachtrij met sms-bericht")
    owner.submit(section.locator("form[action$='/accept'] button"), "moderation queue, accepted")
    idea = Idea.objects.get(title="Wachtrij met sms-bericht")
    assert (idea.source, idea.challenge_id, idea.author_name) == ("public", challenge.pk, "Noor")

    section = owner.page.locator(f"section[aria-labelledby='proposal-{declined.pk}']")
    reason = "De balie blijft voor wie niet digitaal kan."
    section.locator(f"#id_p{declined.pk}-reason").fill(reason)
    owner.submit(section.locator("form[action$='/decline'] button"), "moderation queue, declined")

    # The visitor's private links show the new statuses.
    visitor.visit(follow_accepted.split(demo.url, 1)[1], "followed proposal, accepted")
    assert "Aangenomen als idee" in page.inner_text(".idea-status-box")
    assert "Wachtrij met sms-bericht" in page.inner_text(".idea-status-box")
    visitor.visit(follow_declined.split(demo.url, 1)[1], "followed proposal, declined")
    assert "Afgewezen" in page.inner_text(".idea-status-box")
    assert reason in page.inner_text(".idea-status-box")
    # and the e-mails with each status, with the private link
    texts = _messages(mailbox)
    assert any("noor@example.org" in t and "aangenomen als idee" in t for t in texts)
    assert any("noor2@example.org" in t and reason in t for t in texts)

    # A link that is not valid, and too many proposals.
    visitor.visit("/open/challenges/confirm/niet-geldig", "confirmation page", check=False)
    visitor.submit(page.locator("main form button[type=submit]"), "bad link", status=400)
    visitor.visit(f"/open/challenges/{challenge.pk}", "public challenge", check=False)
    settings.PROPOSAL_LIMIT_PER_ADDRESS = 0
    page.fill("#id_title", "Nog een")
    page.fill("#id_text", "Nog een voorstel.")
    page.fill("#id_name", "Noor")
    page.check("input[name=organisation_type][value=other]")
    page.fill("#id_email", "noor3@example.org")
    page.check("#id_consent")
    time.sleep(1.2)
    response = visitor.submit(page.locator("main form button[type=submit]"), "too many", status=429)
    assert int(response.headers["retry-after"]) > 0

    assert len(visitor.checked) >= 12 and len(owner.checked) >= 3
    visitor.assert_accessible()
    owner.assert_accessible()
