"""The optional second factor (TOTP): enrolment with a QR code and the key as text, sign-in
with a code after the password, wrong codes, recovery codes, an organisation requiring it of
its administrators, on every write (pages and API, session or token)."""

import base64
import time

import pytest
import time_machine
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from omslag.accounts.services import api_token_issue
from omslag.accounts.two_factor import two_factor_device
from omslag.audit.models import AuditEntry
from omslag.organisations.services import organisation_two_factor_set

from ..factories import PASSWORD, PersonFactory, member


def code_for(device, at=None) -> str:
    """The code an authenticator app shows at ``at`` (RFC 6238, django-otp's oath module)."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits)
    generator.time = time.time() if at is None else at
    return f"{generator.token():0{device.digits}d}"


def enrol(client, person) -> list[str]:
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    response = client.post("/account/two-factor", {"action": "confirm", "code": code_for(device)})
    return response.context["recovery_codes"]


def password_step(client, person):
    return client.post("/login", {"username": person.email, "password": PASSWORD})


def test_enrolment_shows_a_qr_code_and_the_key_and_gives_recovery_codes(db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code makes the next wait; not here
    person = PersonFactory()
    client = Client()
    client.force_login(person)
    page = client.get("/account/two-factor").content.decode()
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    assert "<svg" in page and "<title>" in page
    key = base64.b32encode(device.bin_key).decode()
    assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in page
    wrong = client.post("/account/two-factor", {"action": "confirm", "code": "000000"})
    assert wrong.context["recovery_codes"] is None and two_factor_device(person) is None
    codes = enrol(client, person)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert two_factor_device(person) is not None
    assert AuditEntry.objects.filter(person=person, event="two_factor_enrolled").exists()


def test_sign_in_asks_for_the_code_after_the_password(db):
    person = PersonFactory()
    setup = Client()
    setup.force_login(person)
    enrol(setup, person)
    device = two_factor_device(person)
    client = Client()
    response = password_step(client, person)
    assert response["Location"] == "/login/code"
    assert client.get("/").status_code == 302  # not signed in yet
    later = time.time() + 60  # the enrolment used the current code; each code works once
    with time_machine.travel(later, tick=False):
        signed_in = client.post("/login/code", {"code": code_for(device, at=later)})
        assert signed_in.status_code == 302 and signed_in["Location"] == "/"
        assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(person=person, event="sign_in").exists()


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    person = PersonFactory()
    setup = Client()
    setup.force_login(person)
    enrol(setup, person)
    client = Client()
    password_step(client, person)
    refused = client.post("/login/code", {"code": "123456"})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(person=person, event="sign_in_failed").count() == 1
    client.post("/login/code", {"code": "654321"})
    locked = client.post("/login/code", {"code": "111111"})
    assert locked.status_code == 429


def test_a_recovery_code_works_once(db):
    person = PersonFactory()
    setup = Client()
    setup.force_login(person)
    codes = enrol(setup, person)
    client = Client()
    password_step(client, person)
    assert client.post("/login/code", {"code": codes[0].upper()})["Location"] == "/"
    again = Client()
    password_step(again, person)
    assert again.post("/login/code", {"code": codes[0]}).status_code == 200
    assert AuditEntry.objects.filter(person=person, event="recovery_code_used").count() == 1


def test_the_second_step_expires(db):
    person = PersonFactory()
    setup = Client()
    setup.force_login(person)
    codes = enrol(setup, person)
    client = Client()
    password_step(client, person)
    with time_machine.travel(time.time() + 301, tick=False):
        response = client.post("/login/code", {"code": codes[0]})
    assert response["Location"] == "/login"


def test_an_organisation_can_require_it_of_its_administrators(tree):
    ministry, agency, _other = tree
    admin = member("admin", agency)
    viewer = member("viewer", agency)
    boss = Client()
    boss.force_login(member("admin", ministry))
    boss.post(f"/organisations/{agency.slug}/two-factor", {"required": "on"})
    agency.refresh_from_db()
    assert agency.two_factor_for_admins
    # A viewer signs in as before.
    assert password_step(Client(), viewer)["Location"] == "/"
    # The administrator is sent to enrolment and can open nothing else until done.
    client = Client()
    assert password_step(client, admin)["Location"] == "/account/two-factor"
    assert client.get(f"/organisations/{agency.slug}")["Location"] == "/account/two-factor"
    assert client.get("/api/v1/me").status_code == 403
    enrol(client, admin)
    assert client.get(f"/organisations/{agency.slug}").status_code == 200
    # Required: it cannot be removed.
    remove = client.post("/account/two-factor", {"action": "remove", "code": "000000"})
    assert remove.status_code == 403 and two_factor_device(admin) is not None


def test_an_administrator_above_is_held_to_it_too(tree):
    ministry, agency, _other = tree
    organisation_two_factor_set(actor=None, organisation=agency, required=True)
    above = member("admin", ministry)
    assert password_step(Client(), above)["Location"] == "/account/two-factor"


def test_only_administrators_set_the_rule(tree):
    _ministry, agency, _other = tree
    client = Client()
    client.force_login(member("editor", agency))
    assert (
        client.post(f"/organisations/{agency.slug}/two-factor", {"required": "on"}).status_code
        == 403
    )
    agency.refresh_from_db()
    assert not agency.two_factor_for_admins


def test_api_tokens_are_unaffected(tree):
    _ministry, agency, _other = tree
    organisation_two_factor_set(actor=None, organisation=agency, required=True)
    admin = member("admin", agency)
    _token, secret = api_token_issue(person=admin, name="robot")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
    assert response.status_code == 200


def test_a_person_may_remove_an_optional_second_factor_with_a_code(db):
    person = PersonFactory()
    client = Client()
    client.force_login(person)
    codes = enrol(client, person)
    response = client.post("/account/two-factor", {"action": "remove", "code": codes[1]})
    assert response.status_code == 302 and two_factor_device(person) is None
    assert password_step(Client(), person)["Location"] == "/"


@pytest.mark.parametrize("path", ["/login/code"])
def test_the_code_page_without_a_password_step_goes_back(db, path):
    assert Client().get(path)["Location"] == "/login"


def test_the_rule_holds_for_a_write_after_sign_in_on_pages_and_api(tree):
    """Required after the administrator signed in: their next change, on a page or through the
    API with the session, sends them to enrolment; reading before it still works."""
    ministry, agency, _other = tree
    admin = member("admin", agency)
    client = Client()
    client.force_login(admin)
    organisation_two_factor_set(actor=None, organisation=ministry, required=True)
    assert client.get(f"/organisations/{agency.slug}").status_code == 200
    change = client.post(f"/organisations/{agency.slug}/two-factor", {"required": "on"})
    assert change.status_code == 302 and change["Location"] == "/account/two-factor"
    agency.refresh_from_db()
    assert not agency.two_factor_for_admins
    # From then on nothing but enrolment, as after a sign-in.
    assert client.get(f"/organisations/{agency.slug}")["Location"] == "/account/two-factor"
    api = Client()
    api.force_login(admin)
    patched = api.patch(
        f"/api/v1/organisations/{agency.slug}",
        {"name": "Ander", "version": agency.version},
        content_type="application/json",
    )
    assert patched.status_code == 403 and patched["Content-Type"] == "application/problem+json"
    enrol(client, admin)
    assert client.post(f"/organisations/{agency.slug}/two-factor", {}).status_code == 302
    assert client.get(f"/organisations/{agency.slug}").status_code == 200


def test_api_tokens_of_such_an_administrator_read_but_do_not_change(tree):
    _ministry, agency, _other = tree
    organisation_two_factor_set(actor=None, organisation=agency, required=True)
    admin = member("admin", agency)
    _token, secret = api_token_issue(person=admin, name="robot")
    robot = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def rename(name):
        agency.refresh_from_db()
        return robot.patch(
            f"/api/v1/organisations/{agency.slug}",
            {"name": name, "version": agency.version},
            content_type="application/json",
        )

    assert robot.get(f"/api/v1/organisations/{agency.slug}").status_code == 200
    refused = rename("Ander")
    assert refused.status_code == 403 and "tweede factor" in refused.json()["detail"]
    agency.refresh_from_db()
    assert agency.name != "Ander"
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    assert rename("Ander").status_code == 200
    # An editor's token is not held to the administrators' rule.
    _token, editor_secret = api_token_issue(person=member("editor", agency), name="robot")
    agency.refresh_from_db()
    edited = Client(HTTP_AUTHORIZATION=f"Bearer {editor_secret}").patch(
        f"/api/v1/organisations/{agency.slug}",
        {"name": "Weer anders", "version": agency.version},
        content_type="application/json",
    )
    assert "tweede factor" not in edited.json().get("detail", "")
