"""Invitation and password reset in Chromium, each page checked with axe-core (WCAG 2.1 A
and AA): an administrator invites somebody, the invitee accepts through the e-mailed link
(a weak password first), signs in, later forgets the password and sets a new one."""

import re

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from omslag.organisations import services
from omslag.organisations.models import Organisation
from tests.factories import PASSWORD, PersonFactory, organisation

from .support import E2E, Tour

pytestmark = E2E

NEW_PASSWORD = "paarse olifant fietst traag"
RESET_PASSWORD = "stoomtrein boterham zeilboot"


@pytest.fixture
def site(live_server, transactional_db, settings):
    settings.SITE_URL = live_server.url
    ministry = organisation("ministerie", kind="ministry", name="Ministerie van Proef")
    admin = PersonFactory(email="beheer@omslag.test", full_name="Bea Beheer")
    services.membership_create(actor=None, person=admin, organisation=ministry, role="admin")
    return live_server.url


def sign_in(page, url, email, password):
    page.goto(url + "/login")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def link_path(message, url) -> str:
    return re.search(re.escape(url) + r"(/\S+)", message.body).group(1)


def test_invitation_and_password_reset_walk(site, new_page):
    admin_page = new_page()
    sign_in(admin_page, site, "beheer@omslag.test", PASSWORD)
    admin = Tour(admin_page, site, "administrator")
    admin.visit("/organisations/ministerie/people", "people")
    with admin_page.expect_navigation():
        admin_page.get_by_role("link", name="Mensen uitnodigen per e-mail").click()
    admin.check("invitations (none yet)")
    admin_page.fill("#id_email", "nieuw@omslag.test")
    admin_page.select_option("#id_role", "editor")
    admin.submit(admin_page.get_by_role("button", name="Uitnodiging versturen"), "invited")
    assert "Wacht op antwoord" in admin_page.locator("main table").inner_text()
    (invitation_mail,) = mail.outbox

    invitee_page = new_page()
    invitee = Tour(invitee_page, site, "invitee")
    invitee.visit(link_path(invitation_mail, site), "accept form")
    invitee_page.fill("#id_full_name", "Nieuwe Collega")
    invitee_page.fill("#id_password1", "Welkom2026!!!")
    invitee_page.fill("#id_password2", "Welkom2026!!!")
    invitee.submit(invitee_page.get_by_role("button", name="Aanvaarden"), "weak password refused")
    assert "makkelijk te raden" in invitee_page.locator("main").inner_text()
    invitee_page.fill("#id_password1", NEW_PASSWORD)
    invitee_page.fill("#id_password2", NEW_PASSWORD)
    invitee.submit(invitee_page.get_by_role("button", name="Aanvaarden"), "accepted: sign in")
    assert invitee_page.url == site + "/login"
    sign_in(invitee_page, site, "nieuw@omslag.test", NEW_PASSWORD)
    assert invitee_page.url == site + "/"
    invitee_page.context.clear_cookies()

    # Forgotten: the reset link from the sign-in page.
    invitee.visit("/login", "sign-in page")
    with invitee_page.expect_navigation():
        invitee_page.get_by_role("link", name="Wachtwoord vergeten?").click()
    invitee.check("forgot password")
    invitee_page.fill("#id_email", "NIEUW@omslag.test")
    invitee.submit(invitee_page.get_by_role("button", name="Stuur de link"), "link sent")
    reset_mail = mail.outbox[-1]
    assert reset_mail.to == ["nieuw@omslag.test"]
    invitee.visit(link_path(reset_mail, site), "new password form")
    invitee_page.fill("#id_new_password1", RESET_PASSWORD)
    invitee_page.fill("#id_new_password2", RESET_PASSWORD)
    invitee.submit(invitee_page.get_by_role("button", name="Nieuw wachtwoord opslaan"), "done")
    invitee.visit(link_path(reset_mail, site), "used link", status=200)
    assert "werkt niet meer" in invitee_page.locator("main").inner_text()
    sign_in(invitee_page, site, "nieuw@omslag.test", RESET_PASSWORD)
    assert invitee_page.url == site + "/"

    admin.visit("/organisations/ministerie/audit", "audit log")
    log = admin_page.locator("main table").inner_text()
    for event in ("Uitnodiging verstuurd", "Uitnodiging aanvaard", "Nieuw wachtwoord ingesteld"):
        assert event in log
    admin.assert_accessible()
    invitee.assert_accessible()


def test_second_factor_walk(site, new_page):
    """An administrator whose organisation requires a second factor is sent to set it up,
    scans (here: reads) the key, keeps the recovery codes and signs in again with one."""
    ministry = Organisation.objects.get(slug="ministerie")
    services.organisation_two_factor_set(actor=None, organisation=ministry, required=True)
    page = new_page()
    tour = Tour(page, site, "administrator with a second factor")
    sign_in(page, site, "beheer@omslag.test", PASSWORD)
    assert page.url == site + "/account/two-factor"
    tour.check("set up the second factor")
    assert page.locator("main figure svg title").count() == 1
    device = TOTPDevice.objects.get(user__email="beheer@omslag.test", confirmed=False)
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits)
    page.fill("#id_code", f"{generator.token():06d}")
    tour.submit(page.get_by_role("button", name="Tweede factor instellen"), "recovery codes")
    codes = page.locator("main ul.secret li").all_inner_texts()
    assert len(codes) == 10
    page.context.clear_cookies()
    sign_in(page, site, "beheer@omslag.test", PASSWORD)
    assert page.url == site + "/login/code"
    tour.check("code step")
    page.fill("#id_code", "000000")
    tour.submit(page.get_by_role("button", name="Inloggen"), "wrong code")
    assert "klopt niet" in page.locator("main").inner_text()
    page.fill("#id_code", codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    assert page.url == site + "/"
    tour.visit("/organisations/ministerie/people", "people with the rule")
    assert page.locator("#id_required").is_checked()
    tour.assert_accessible()
