"""Sign-in through an identity provider, without the browser: the settings' check, the role
map, local passwords switched off, and the roles that follow the provider's groups (the browser
walk against a real provider is tests/e2e/test_oidc_sign_in.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from omslag.accounts.apps import _provider_settings_check
from omslag.accounts.oidc import ProviderBackend, role_map_parse, roles_apply
from omslag.organisations.models import Membership, Role
from tests.factories import PASSWORD, PersonFactory, organisation

pytestmark = pytest.mark.django_db

MAP = (
    '{"editors": {"organisation": "gemeente-a", "role": "editor"},'
    ' "board": [{"organisation": "gemeente-a", "role": "board"},'
    ' {"organisation": "gemeente-b", "role": "viewer"}]}'
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "no JSON"),
        ("[]", "must be an object"),
        ('{"g": {"organisation": "a"}}', "each grant"),
        ('{"g": {"organisation": "a", "role": "king"}}', "unknown role 'king'"),
    ],
)
def test_a_wrong_role_map_says_what_is_wrong(text, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        role_map_parse(text)


def test_the_check_names_missing_provider_settings_and_a_lock_out_of_everyone(settings):
    settings.OIDC_RP_CLIENT_ID = "omslag"
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    errors = _provider_settings_check(None)
    assert errors and "OMSLAG_OIDC_TOKEN_ENDPOINT" in errors[0].msg
    settings.OIDC_RP_CLIENT_ID = ""
    settings.OMSLAG_LOCAL_PASSWORDS = False
    assert [e.id for e in _provider_settings_check(None)] == ["omslag.E103"]


def test_roles_follow_the_groups_and_leave_unmapped_roles_alone(settings):
    settings.OMSLAG_OIDC_ROLES_CLAIM = "groups"
    settings.OMSLAG_OIDC_ROLE_MAP = MAP
    organisation("gemeente-a")
    b = organisation("gemeente-b")
    person = PersonFactory()
    Membership.objects.create(person=person, organisation=b, role=Role.ADMIN)  # not mapped

    def roles():
        return set(
            Membership.objects.filter(person=person).values_list("organisation__slug", "role")
        )

    roles_apply(person, {"groups": ["board", "unrelated"]})
    assert roles() == {
        ("gemeente-a", Role.BOARD),
        ("gemeente-b", Role.VIEWER),
        ("gemeente-b", Role.ADMIN),
    }
    roles_apply(person, {"groups": "editors"})  # a single group as a string
    assert roles() == {("gemeente-a", Role.EDITOR), ("gemeente-b", Role.ADMIN)}


def test_without_a_roles_claim_roles_stay_managed_in_omslag(settings):
    settings.OMSLAG_OIDC_ROLES_CLAIM = ""
    organisation("gemeente-a")
    person = PersonFactory()
    roles_apply(person, {"groups": ["editors"]})
    assert not Membership.objects.filter(person=person).exists()


def test_a_deactivated_person_is_not_signed_in_by_the_provider(settings, rf):
    settings.OIDC_RP_CLIENT_ID = "omslag"
    settings.OIDC_RP_CLIENT_SECRET = "s"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://provider.invalid/token"
    settings.OIDC_OP_USER_ENDPOINT = "http://provider.invalid/userinfo"
    PersonFactory(email="weg@omslag.test", is_active=False)
    backend = ProviderBackend()
    backend.request = rf.get("/")
    backend.get_userinfo = lambda access_token, id_token, payload: {
        "email": "WEG@omslag.test",
        "email_verified": True,
    }
    assert backend.get_or_create_user("token", "id", {}) is None


def test_with_local_passwords_off_only_the_provider_signs_in(settings):
    settings.OMSLAG_LOCAL_PASSWORDS = False
    settings.OIDC_RP_CLIENT_ID = "omslag"
    settings.OMSLAG_OIDC_PROVIDER_NAME = "Rijksportaal"
    PersonFactory(email="lokaal@omslag.test")
    client = Client()
    page = client.get("/login", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Inloggen met Rijksportaal" in page and 'name="password"' not in page
    answer = client.post("/login", {"username": "lokaal@omslag.test", "password": PASSWORD})
    assert answer.status_code == 302 and "_auth_user_id" not in client.session


def test_without_a_provider_its_pages_are_not_found(client):
    assert client.get("/login/provider").status_code == 404
    assert client.get("/login/provider/callback?code=x&state=y").status_code == 404
    assert "Inloggen met" not in client.get("/login").content.decode()
