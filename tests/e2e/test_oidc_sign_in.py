"""Sign-in through an OpenID Connect provider, in Chromium, against a real provider the test
starts on this machine (django-oidc-provider, tests/oidc/provider_site): omslag's sign-in
page → the provider's login → its consent page → back to omslag, where the person is created
with the provider's name and e-mail and gets the role their group maps to; signing out ends the
provider's session too, so the next sign-in asks for the password again.

The provider runs on 127.0.0.1 and omslag's live server on localhost: two hosts, so their
cookies stay apart as they would on two machines."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from omslag.organisations.models import Membership, Role
from tests.factories import organisation
from tests.oidc.provider_site.constants import CLIENT_ID, CLIENT_SECRET, PERSON

from .support import E2E, assert_accessible

pytestmark = [*E2E, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ROLE_MAP = (
    '{"omslag-wadderveen-editors": {"organisation": "gemeente-wadderveen", "role": "editor"}}'
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def provider(live_server, tmp_path):
    """The provider, set up for omslag's live server, serving until the test ends."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc.provider_site.settings",
        "OIDC_PROVIDER_DB": str(tmp_path / "provider.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.oidc.provider_site.setup",
            f"{live_server.url}/login/provider/callback",
            f"{live_server.url}/login",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Up to a minute: next to a second test worker, runserver may take more than seconds.
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/.well-known/openid-configuration", timeout=5)  # noqa: S310
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the test provider did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def omslag_with_provider(provider, live_server, settings):
    organisation("gemeente-wadderveen", name="Gemeente Wadderveen")
    policy = {**settings.CONTENT_SECURITY_POLICY}
    directives = {**policy["DIRECTIVES"]}
    directives["form-action"] = [*directives["form-action"], provider]
    with override_settings(
        OIDC_RP_CLIENT_ID=CLIENT_ID,
        OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{provider}/authorize",
        OIDC_OP_TOKEN_ENDPOINT=f"{provider}/token",
        OIDC_OP_USER_ENDPOINT=f"{provider}/userinfo",
        OIDC_OP_JWKS_ENDPOINT=f"{provider}/jwks",
        OMSLAG_OIDC_END_SESSION_ENDPOINT=f"{provider}/end-session",
        OIDC_RP_SCOPES="openid email profile groups",
        OMSLAG_OIDC_PROVIDER_NAME="Testprovider",
        OMSLAG_OIDC_ROLES_CLAIM="groups",
        OMSLAG_OIDC_ROLE_MAP=ROLE_MAP,
        AUTHENTICATION_BACKENDS=[
            *settings.AUTHENTICATION_BACKENDS,
            "omslag.accounts.oidc.ProviderBackend",
        ],
        CONTENT_SECURITY_POLICY={**policy, "DIRECTIVES": directives},
    ):
        yield live_server.url


def _sign_in_at_provider(page, username, password):
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("text=Sign in at the provider")


def test_sign_in_consent_person_roles_and_logout_through_the_provider(
    omslag_with_provider, provider, new_page
):
    site = omslag_with_provider
    page = new_page()
    page.goto(f"{site}/login")
    assert_accessible(page, "sign-in page with the provider's button")
    with page.expect_navigation():
        page.get_by_role("link", name="Inloggen met Testprovider").click()
    assert page.url.startswith(f"{provider}/login")
    username, email, password = PERSON
    _sign_in_at_provider(page, username, password)
    # The provider asks for consent before it tells omslag who this is.
    assert "Request for Permission" in page.content()
    with page.expect_navigation():
        page.click("input[name=allow]")
    page.wait_for_load_state()
    assert page.url.startswith(site) and "/login" not in page.url

    person = get_user_model().objects.get(email=email)
    assert person.full_name == "Anna Jansen" and not person.has_usable_password()
    roles = set(Membership.objects.filter(person=person).values_list("organisation__slug", "role"))
    assert roles == {("gemeente-wadderveen", Role.EDITOR)}
    assert "Anna Jansen" in page.content()

    # Signing out ends the provider's session too: the next sign-in asks for the password.
    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{site}/login")
    page.goto(f"{site}/login/provider")
    assert page.url.startswith(f"{provider}/login")


def test_a_second_sign_in_follows_the_provider_and_keeps_roles_managed_in_omslag(
    omslag_with_provider, provider, new_page
):
    """A person who already exists (same address, other spelling) is found, not duplicated;
    a role the map does not mention stays; the mapped role follows the groups."""
    from omslag.organisations import services

    username, email, password = PERSON
    existing = get_user_model().objects.create_user(email.upper(), None, full_name="A. Jansen")
    other = organisation("gemeente-b", name="Gemeente B")
    services.membership_create(actor=None, person=existing, organisation=other, role=Role.VIEWER)
    page = new_page()
    page.goto(f"{omslag_with_provider}/login/provider")
    _sign_in_at_provider(page, username, password)
    with page.expect_navigation():
        page.click("input[name=allow]")
    page.wait_for_load_state()
    assert get_user_model().objects.filter(email__iexact=email).count() == 1
    existing.refresh_from_db()
    assert existing.full_name == "Anna Jansen"
    roles = set(
        Membership.objects.filter(person=existing).values_list("organisation__slug", "role")
    )
    assert roles == {("gemeente-wadderveen", Role.EDITOR), ("gemeente-b", Role.VIEWER)}
