"""The publication workflow: four eyes, frozen versions, corrections with history, withdrawal
with a public notice, and 404 for what is not published."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from omslag.common.errors import RuleViolation
from omslag.projects import services as project_services
from omslag.projects.models import Project, ProjectReport
from omslag.publication import services
from omslag.publication.models import Kind, Publication

pytestmark = pytest.mark.django_db


def propose(actor, org, kind, source_id):
    return services.publication_propose(
        actor=actor, organisation=org, kind=kind, source_id=source_id
    )


def test_an_editor_proposes_and_another_administrator_approves(org, registers, editor, admin):
    proposal = propose(editor, org, Kind.PROJECT, registers[Kind.PROJECT])
    assert proposal.status == Publication.Status.PROPOSED
    assert proposal.number == 1
    published = services.publication_approve(actor=admin, publication=proposal)
    assert published.status == Publication.Status.APPROVED
    assert published.is_current
    assert published.decided_by == admin


def test_the_proposer_never_approves_their_own_proposal(org, registers, admin, second_admin):
    proposal = propose(admin, org, Kind.ALGORITHM, registers[Kind.ALGORITHM])
    with pytest.raises(services.FourEyesViolation):
        services.publication_approve(actor=admin, publication=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Publication.Status.PROPOSED
    services.publication_approve(actor=second_admin, publication=proposal)


def test_an_editor_cannot_decide_and_a_viewer_cannot_propose(
    client, org, registers, editor, viewer
):
    """Rights are checked where the request enters (the pages), not in the services."""
    client.force_login(viewer)
    response = client.post(
        f"/organisations/{org.slug}/publications/propose",
        {"kind": Kind.PROJECT, "source_id": registers[Kind.PROJECT]},
    )
    assert response.status_code == 403
    assert not Publication.objects.exists()
    proposal = propose(editor, org, Kind.PROJECT, registers[Kind.PROJECT])
    other_editor = __import__("tests.factories", fromlist=["member"]).member("editor", org)
    client.force_login(other_editor)
    refused = {
        "approve": client.post(f"/publications/{proposal.pk}/approve"),
        "reject": client.post(f"/publications/{proposal.pk}/reject", {"reason": "Nee."}),
        "withdraw": client.post(
            f"/organisations/{org.slug}/publications/{Kind.PROJECT}/"
            f"{registers[Kind.PROJECT]}/withdraw",
            {"reason": "Nee."},
        ),
    }
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 403)
    proposal.refresh_from_db()
    assert proposal.status == Publication.Status.PROPOSED
    assert proposal.decided_by is None


def test_the_approve_page_answers_403_with_a_message_to_the_proposer(client, org, registers, admin):
    proposal = propose(admin, org, Kind.PROJECT, registers[Kind.PROJECT])
    client.force_login(admin)
    response = client.post(f"/publications/{proposal.pk}/approve", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "another administrator must approve it" in response.content.decode()


def test_a_published_version_never_changes(org, registers, editor, admin):
    published = services.publication_approve(
        actor=admin, publication=propose(editor, org, Kind.PROJECT, registers[Kind.PROJECT])
    )
    published.snapshot = {**published.snapshot, "name": "Anders"}
    with pytest.raises(ValidationError):
        published.save()
    with pytest.raises(ValidationError):
        Publication.objects.filter(pk=published.pk).update(title="Anders")
    published.refresh_from_db()
    assert published.snapshot["name"] == "Nieuw zaaksysteem"
    assert published.title == "Nieuw zaaksysteem"


def test_only_public_fields_and_published_reports_are_frozen(org, registers, editor):
    proposal = propose(editor, org, Kind.PROJECT, registers[Kind.PROJECT])
    assert [r["peildatum"] for r in proposal.snapshot["reports"]] == ["2024-01-01"]
    assert proposal.snapshot["reports"][0]["total_cost_estimate"] == 10_000_000
    assert "notes" not in proposal.snapshot["reports"][0]


def test_a_correction_is_a_new_version_with_its_history_and_changes(
    client, org, registers, editor, admin
):
    source_id = registers[Kind.PROJECT]
    services.publication_approve(
        actor=admin, publication=propose(editor, org, Kind.PROJECT, source_id)
    )
    with pytest.raises(RuleViolation, match="Nothing changed"):
        propose(editor, org, Kind.PROJECT, source_id)
    project = Project.objects.get(pk=source_id)
    project_services.project_update(
        actor=editor, project=project, expected_version=project.version, name="Zaaksysteem 2.0"
    )
    second = services.publication_approve(
        actor=admin, publication=propose(editor, org, Kind.PROJECT, source_id)
    )
    assert second.number == 2
    assert {"field": "name", "old": "Nieuw zaaksysteem", "new": "Zaaksysteem 2.0"} in second.changes
    first = Publication.objects.get(kind=Kind.PROJECT, source_id=source_id, number=1)
    assert not first.is_current and first.snapshot["name"] == "Nieuw zaaksysteem"

    page = client.get(f"/open/{org.slug}/projects/{source_id}", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Zaaksysteem 2.0" in text and "Version 1" in text and "What changed in version 2" in text
    old = client.get(f"/open/{org.slug}/projects/{source_id}?version=1")
    assert "Nieuw zaaksysteem" in old.content.decode()


def test_a_new_published_report_makes_a_new_version(org, registers, editor, admin):
    source_id = registers[Kind.PROJECT]
    services.publication_approve(
        actor=admin, publication=propose(editor, org, Kind.PROJECT, source_id)
    )
    project = Project.objects.get(pk=source_id)
    project_services.report_create(
        actor=None,
        project=project,
        status=ProjectReport.Status.PUBLISHED,
        peildatum=dt.date(2024, 7, 1),
        total_cost_estimate=Decimal("12000000"),
    )
    second = propose(editor, org, Kind.PROJECT, source_id)
    assert [r["peildatum"] for r in second.snapshot["reports"]] == ["2024-01-01", "2024-07-01"]
    assert second.snapshot["cost_change_pct"] == pytest.approx(20.0)


def test_withdrawal_leaves_a_public_notice_and_404_elsewhere(client, org, registers, editor, admin):
    source_id = registers[Kind.EXPERIMENT]
    services.publication_approve(
        actor=admin, publication=propose(editor, org, Kind.EXPERIMENT, source_id)
    )
    assert client.get(f"/open/{org.slug}/experiments/{source_id}").status_code == 200
    services.publication_withdraw(
        actor=admin,
        organisation=org,
        kind=Kind.EXPERIMENT,
        source_id=source_id,
        reason="Bevat een fout in de resultaten.",
    )
    record = client.get(f"/open/{org.slug}/experiments/{source_id}")
    assert record.status_code == 404
    assert "Bevat een fout in de resultaten." in record.content.decode()
    notice = client.get(f"/open/{org.slug}/experiments/{source_id}/notice")
    assert notice.status_code == 200
    assert "Bevat een fout in de resultaten." in notice.content.decode()
    assert "Slimme containers" in client.get(f"/open/{org.slug}").content.decode()
    api = client.get(f"/api/v1/open/organisations/{org.slug}/experiments/{source_id}")
    assert api.status_code == 404
    assert api.json()["withdrawalReason"] == "Bevat een fout in de resultaten."


def test_unpublished_and_proposed_records_are_404(client, org, registers, editor):
    propose(editor, org, Kind.ALGORITHM, registers[Kind.ALGORITHM])
    assert client.get(f"/open/{org.slug}/algorithms/{registers[Kind.ALGORITHM]}").status_code == 404
    assert client.get(f"/open/{org.slug}/projects/{registers[Kind.PROJECT]}").status_code == 404
    assert client.get(f"/open/{org.slug}").status_code == 404
    assert (
        client.get(
            f"/api/v1/open/organisations/{org.slug}/algorithms/{registers[Kind.ALGORITHM]}"
        ).status_code
        == 404
    )


def test_an_internal_challenge_cannot_be_proposed(org, registers, editor):
    from omslag.innovation.models import Challenge

    internal = Challenge.objects.get(visibility=Challenge.Visibility.INTERNAL)
    with pytest.raises(RuleViolation, match="public challenge"):
        propose(editor, org, Kind.CHALLENGE, internal.pk)


def test_the_organisation_chooses_what_it_publishes(org, registers, editor, admin):
    services.publication_settings_set(
        actor=admin, organisation=org, kinds=[Kind.PROJECT], licence="cc-by-4.0"
    )
    with pytest.raises(RuleViolation, match="does not publish"):
        propose(editor, org, Kind.ALGORITHM, registers[Kind.ALGORITHM])


def test_an_editor_cannot_change_what_the_organisation_publishes(client, org, editor, admin):
    services.publication_settings_set(
        actor=admin, organisation=org, kinds=[Kind.PROJECT], licence="cc-by-4.0"
    )
    client.force_login(editor)
    response = client.post(
        f"/organisations/{org.slug}/publications/settings", {"kinds": [], "licence": "cc0-1.0"}
    )
    assert response.status_code == 403
    stored = services.publication_settings_of(org)
    assert (stored.kinds, stored.licence) == ([Kind.PROJECT], "cc-by-4.0")


def test_the_preview_shows_the_exact_public_page_before_approval(client, org, registers, editor):
    proposal = propose(editor, org, Kind.CHALLENGE, registers[Kind.CHALLENGE])
    client.force_login(editor)
    response = client.get(f"/publications/{proposal.pk}/preview", HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Preview" in text and "Hoe krijgen we de stranden schoon?" in text


def test_rejection_needs_a_reason(org, registers, editor, admin):
    proposal = propose(editor, org, Kind.LESSON, registers[Kind.LESSON])
    with pytest.raises(RuleViolation):
        services.publication_reject(actor=admin, publication=proposal, reason=" ")
    rejected = services.publication_reject(actor=admin, publication=proposal, reason="Te vroeg.")
    assert rejected.status == Publication.Status.REJECTED
    assert not Publication.objects.filter(status=Publication.Status.APPROVED).exists()


def test_the_overview_page_lists_records_and_proposals(client, org, registers, editor):
    propose(editor, org, Kind.CHALLENGE, registers[Kind.CHALLENGE])
    client.force_login(editor)
    response = client.get(f"/organisations/{org.slug}/publications", HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Waiting for approval" in text and "Minder zwerfafval" in text
