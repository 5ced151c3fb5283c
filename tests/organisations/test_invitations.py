"""Invitations by e-mail: sent by an administrator with a role; accepted once through the link
(a new person sets name and password, an existing one just gets the role); expiry; revocation;
page, API and command line; each step in the audit log."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from omslag.audit.models import AuditEntry
from omslag.organisations import invitations
from omslag.organisations.access import person_roles
from omslag.organisations.models import Invitation

from ..factories import PASSWORD, PersonFactory, member

NEW_PASSWORD = "paarse olifant fietst traag"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"


def accept_path(message) -> str:
    return re.search(r"http://testserver(/invitations/accept/\S+)", message.body).group(1)


def invite(admin, organisation, email, role="editor"):
    client = Client()
    client.force_login(admin)
    return client.post(
        f"/organisations/{organisation.slug}/invitations", {"email": email, "role": role}
    )


def test_a_new_person_accepts_and_signs_in(tree):
    ministry, _agency, _other = tree
    admin = member("admin", ministry)
    assert invite(admin, ministry, "Nieuw@omslag.test").status_code == 302
    (message,) = mail.outbox
    assert message.to == ["nieuw@omslag.test"] and ministry.name in message.subject
    path = accept_path(message)
    page = Client().get(path)
    assert page.status_code == 200 and page.context["form"] is not None
    accepted = Client().post(
        path, {"full_name": "Nieuwe Collega", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert accepted.status_code == 302 and accepted["Location"] == "/login"
    person = get_user_model().objects.get(email="nieuw@omslag.test")
    assert person.full_name == "Nieuwe Collega" and person.check_password(NEW_PASSWORD)
    assert person_roles(person, ministry) == {"editor"}
    signed_in = Client().post("/login", {"username": "nieuw@omslag.test", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    # Used once: the link no longer works.
    assert Client().get(path).status_code == 404
    assert list(
        AuditEntry.objects.filter(organisation=ministry)
        .order_by("pk")
        .values_list("event", "person__email")
    )[-3:] == [
        ("invitation_sent", admin.email),
        ("role_granted", "nieuw@omslag.test"),
        ("invitation_accepted", "nieuw@omslag.test"),
    ]


def test_an_existing_person_just_gets_the_membership(tree):
    ministry, _agency, municipality = tree
    existing = member("viewer", municipality, PersonFactory(email="bestaand@omslag.test"))
    invite(member("admin", ministry), ministry, "bestaand@omslag.test", role="auditor")
    path = accept_path(mail.outbox[0])
    page = Client().get(path)
    assert page.context["form"] is None  # no name or password asked
    assert Client().post(path).status_code == 302
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)
    assert person_roles(existing, ministry) == {"auditor"}
    assert person_roles(existing, municipality) == {"viewer"}


def test_a_weak_or_mismatched_password_is_refused(tree):
    ministry, _agency, _other = tree
    invite(member("admin", ministry), ministry, "zwak@omslag.test")
    path = accept_path(mail.outbox[0])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    weak = client.post(
        path, {"full_name": "Z", "password1": "Welkom2026!!!", "password2": "Welkom2026!!!"}
    )
    assert weak.status_code == 200 and "easily guessed" in weak.content.decode()
    differ = client.post(
        path, {"full_name": "Z", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert differ.status_code == 200
    assert not get_user_model().objects.filter(email="zwak@omslag.test").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_expired_invitation_no_longer_works_and_shows_as_expired(tree, settings):
    settings.INVITATION_DAYS = 7
    ministry, _agency, _other = tree
    admin = member("admin", ministry)
    invite(admin, ministry, "laat@omslag.test")
    path = accept_path(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get(path).status_code == 404
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    page = client.get(f"/organisations/{ministry.slug}/invitations")
    assert [i.status for i in page.context["invitations"]] == ["expired"]
    assert "Expired" in page.content.decode()


def test_the_link_expires_after_the_configured_days(tree, settings):
    settings.INVITATION_DAYS = 3
    ministry, _agency, _other = tree
    before = timezone.now()
    invitation, _secret = invitations.invitation_create(
        actor=None, organisation=ministry, email="a@omslag.test", role="viewer"
    )
    assert before + dt.timedelta(days=3) <= invitation.expires_at
    assert invitation.expires_at <= timezone.now() + dt.timedelta(days=3)


def test_a_revoked_invitation_no_longer_works(tree):
    ministry, _agency, _other = tree
    admin = member("admin", ministry)
    invite(admin, ministry, "ingetrokken@omslag.test")
    path = accept_path(mail.outbox[0])
    client = Client()
    client.force_login(admin)
    invitation = Invitation.objects.get()
    assert client.post(f"/invitations/{invitation.pk}/revoke").status_code == 302
    assert Client().get(path).status_code == 404
    assert Client().post(path, {"password1": NEW_PASSWORD}).status_code == 404
    assert AuditEntry.objects.filter(event="invitation_revoked", person=admin).exists()


def test_a_new_invitation_replaces_a_waiting_one(tree):
    ministry, _agency, _other = tree
    admin = member("admin", ministry)
    invite(admin, ministry, "twee@omslag.test", role="viewer")
    invite(admin, ministry, "twee@omslag.test", role="editor")
    assert Client().get(accept_path(mail.outbox[0])).status_code == 404
    assert Client().get(accept_path(mail.outbox[1])).status_code == 200


@pytest.mark.parametrize("role", ["viewer", "editor", "auditor"])
def test_only_administrators_invite(tree, role):
    ministry, _agency, _other = tree
    assert invite(member(role, ministry), ministry, "x@omslag.test").status_code == 403
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_another_organisation_cannot_see_or_revoke(tree):
    ministry, _agency, municipality = tree
    invite(member("admin", ministry), ministry, "y@omslag.test")
    outsider = Client()
    outsider.force_login(member("admin", municipality))
    invitation = Invitation.objects.get()
    assert outsider.get(f"/organisations/{ministry.slug}/invitations").status_code == 404
    assert outsider.post(f"/invitations/{invitation.pk}/revoke").status_code == 404
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_api_invites_lists_and_revokes(tree, api_for):
    ministry, _agency, municipality = tree
    admin = member("admin", ministry)
    client = api_for(admin)
    created = client.post(
        "/api/v1/invitations",
        {"organisation": ministry.slug, "email": "api@omslag.test", "role": "viewer"},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["email"], body["status"], body["invitedBy"]) == (
        "api@omslag.test",
        "pending",
        admin.email,
    )
    assert "secret" not in body and len(mail.outbox) == 1
    listed = client.get(f"/api/v1/invitations?organisation={ministry.slug}").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert client.delete(f"/api/v1/invitations/{body['id']}").status_code == 204
    assert (
        client.get(f"/api/v1/invitations?organisation={ministry.slug}").json()["results"][0][
            "status"
        ]
        == "revoked"
    )
    bad = client.post(
        "/api/v1/invitations",
        {"organisation": ministry.slug, "email": "x@omslag.test", "role": "AAA"},
        format="json",
    )
    assert bad.status_code == 400
    invitations.invitation_create(
        actor=None, organisation=ministry, email="zonder@omslag.test", role="viewer"
    )
    newest = client.get(f"/api/v1/invitations?organisation={ministry.slug}").json()["results"][0]
    assert (newest["email"], newest["invitedBy"]) == ("zonder@omslag.test", None)
    outsider = api_for(member("admin", municipality))
    assert outsider.get(f"/api/v1/invitations?organisation={ministry.slug}").status_code == 404


def test_command_line_invites_lists_and_revokes(tree):
    ministry, _agency, _other = tree
    admin = member("admin", ministry)
    out = io.StringIO()
    call_command(
        "invite",
        "cli@omslag.test",
        "--org",
        ministry.slug,
        "--role",
        "board",
        "--actor",
        admin.email,
        stdout=out,
    )
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "cli@omslag.test",
        "board",
        admin,
    )
    assert mail.outbox[0].to == ["cli@omslag.test"]
    out = io.StringIO()
    call_command("invite", "--org", ministry.slug, "--list", stdout=out)
    assert out.getvalue().split("\t")[:4] == [
        str(invitation.pk),
        "cli@omslag.test",
        "board",
        "pending",
    ]
    call_command("invite", "--org", ministry.slug, "--revoke", str(invitation.pk), stdout=out)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    with pytest.raises(CommandError):
        call_command("invite", "x@omslag.test", "--org", "unknown", "--role", "viewer")


def test_without_local_passwords_an_invitation_asks_for_no_password(tree, settings):
    """The person signs in through the identity provider: accepting creates them without a
    password (none could be used) and gives the role."""
    settings.OMSLAG_LOCAL_PASSWORDS = False
    ministry, _agency, _other = tree
    assert invite(member("admin", ministry), ministry, "extern@omslag.test").status_code == 302
    path = accept_path(mail.outbox[0])
    page = Client().get(path)
    assert page.status_code == 200 and list(page.context["form"].fields) == ["full_name"]
    assert b'type="password"' not in page.content
    assert "identiteitsprovider" in page.content.decode()
    accepted = Client().post(path, {"full_name": "Externe Collega"})
    assert accepted.status_code == 302 and accepted["Location"] == "/login"
    person = get_user_model().objects.get(email="extern@omslag.test")
    assert person.full_name == "Externe Collega" and not person.has_usable_password()
    assert person_roles(person, ministry) == {"editor"}
    assert Invitation.objects.get(email="extern@omslag.test").accepted_at is not None
