"""Personal data of proposers is deleted after the retention period; the accessibility
statement is filled from the recorded axe results and the known limitations."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from omslag.innovation.models import Idea
from omslag.participation import accessibility, services
from omslag.participation.models import Proposal

from .support import public_challenge, send, send_and_confirm

pytestmark = pytest.mark.django_db


def _age(proposal, **delta):
    Proposal.objects.filter(pk=proposal.pk).update(
        updated_at=timezone.now() - dt.timedelta(**delta),
        created_at=timezone.now() - dt.timedelta(**delta),
    )


def test_purge_deletes_proposals_after_the_retention_period(settings, capsys):
    settings.PROPOSAL_RETENTION_DAYS = 30
    settings.PROPOSAL_CONFIRM_HOURS = 48
    challenge = public_challenge()
    old = send_and_confirm(Client(), challenge, email="oud@example.org", title="Oud")
    recent = send_and_confirm(Client(), challenge, email="nieuw@example.org", title="Nieuw")
    idea = services.proposal_accept(actor=None, proposal=old, base_url="http://x")
    send(Client(), challenge, email="vergeten@example.org", title="Nooit bevestigd")
    send(Client(), challenge, email="net@example.org", title="Net verstuurd")
    forgotten = Proposal.objects.get(title="Nooit bevestigd")
    _age(old, days=31)
    _age(recent, days=29)
    _age(forgotten, hours=49)

    call_command("participation", "purge", "--dry-run")
    assert "would delete 1 proposal(s) older than 30 days and 1 unconfirmed" in (
        capsys.readouterr().out
    )
    assert Proposal.objects.count() == 4

    call_command("participation", "purge")
    assert "deleted 1 proposal(s)" in capsys.readouterr().out
    assert set(Proposal.objects.values_list("title", flat=True)) == {"Nieuw", "Net verstuurd"}
    emails = set(Proposal.objects.values_list("email", flat=True))
    assert "oud@example.org" not in emails and "vergeten@example.org" not in emails
    # the idea made from the deleted proposal stays, credited as the proposer chose
    assert Idea.objects.get(pk=idea.pk).author_name == "Jan Jansen"
    # the follow link of a deleted proposal is gone
    assert Client().get(f"/open/challenges/follow/{old.follow_token}").status_code == 404


def test_accessibility_results_round_trip(tmp_path):
    path = tmp_path / "results.json"
    accessibility.results_write(
        path,
        checked_on=dt.date(2026, 12, 1),
        pages=214,
        roles=["viewer", "editor"],
        violations=0,
        pages_with_violations=0,
        tool="axe-core 4.10",
    )
    assert json.loads(path.read_text())["pages"] == 214
    results = accessibility.results_load(path)
    assert (results.pages, results.roles, results.checked_on) == (
        214,
        ["editor", "viewer"],
        dt.date(2026, 12, 1),
    )
    assert accessibility.results_load(tmp_path / "missing.json") is None


def test_accessibility_statement_shows_the_recorded_check(monkeypatch, tmp_path):
    path = tmp_path / "results.json"
    accessibility.results_write(
        path,
        checked_on=dt.date(2026, 12, 1),
        pages=187,
        roles=["viewer", "editor", "anonymous"],
        violations=3,
        pages_with_violations=2,
        tool="axe-core 4.10",
    )
    monkeypatch.setattr(accessibility, "RESULTS_FILE", path)
    monkeypatch.setattr(accessibility.results_load, "__defaults__", (path,))
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/open/accessibility")
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    for part in (
        "<h2>Status</h2>",
        "<h2>Scope</h2>",
        "<h2>What was tested and how</h2>",
        "<h2>Known limitations</h2>",
        "<h2>Contact</h2>",
        "<dd>187</dd>",
        "anonymous, editor, viewer",
        "3 (on 2 pages)",
        "1 December 2026",
        "the last automatic check found problems",
    ):
        assert part in text, part
    assert text.count("<li>") >= len(accessibility.KNOWN_LIMITATIONS)


def test_accessibility_statement_without_recorded_results(monkeypatch, tmp_path):
    monkeypatch.setattr(accessibility.results_load, "__defaults__", (tmp_path / "none.json",))
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/open/accessibility")
    assert page.status_code == 200
    assert "No check has been recorded yet." in page.content.decode()


def test_the_shipped_results_file_is_readable():
    """The file the browser tests wrote (see docs/participation.md) is what the page shows."""
    results = accessibility.results_load()
    assert results is not None and results.standard == "WCAG 2.1 A/AA"
    assert results.pages > 0 and "a visitor not signed in" in results.roles
    page = Client().get("/open/accessibility").content.decode()
    assert f"<dd>{results.pages}</dd>" in page
