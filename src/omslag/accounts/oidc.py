"""Sign-in through the organisation's OpenID Connect provider (Keycloak or any other), with
mozilla-django-oidc doing the protocol (authorisation code flow, token and signature checks).

What omslag adds: who the person is (the e-mail claim, compared as every sign-in name is, and
the name claim), optionally which roles they hold (a group or role claim mapped to roles per
organisation by ``OMSLAG_OIDC_ROLE_MAP``; without it roles stay managed in omslag), and a
logout that also ends the session at the provider. Configured by environment variables
(settings.py, docs/operations.md); off while ``OMSLAG_OIDC_CLIENT_ID`` is empty.
"""

import json
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .signin import sign_in_name

log = logging.getLogger(__name__)

# The session key mozilla-django-oidc stores the ID token under (OIDC_STORE_ID_TOKEN).
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 (a session key, not a secret)
PROVIDER_SIGN_IN = "omslag_signed_in_through_provider"


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def role_map_parse(text: str) -> dict[str, list[tuple[str, str]]]:
    """``{"group": {"organisation": slug, "role": role} or a list of them}`` → pairs per group;
    ImproperlyConfigured saying what is wrong."""
    from omslag.organisations.selectors import role_codes

    roles = role_codes()
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"OMSLAG_OIDC_ROLE_MAP is no JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured("OMSLAG_OIDC_ROLE_MAP must be an object of group → roles.")
    parsed: dict[str, list[tuple[str, str]]] = {}
    for group, grants in data.items():
        grants = grants if isinstance(grants, list) else [grants]
        pairs = []
        for grant in grants:
            if not isinstance(grant, dict) or set(grant) != {"organisation", "role"}:
                raise ImproperlyConfigured(
                    f"OMSLAG_OIDC_ROLE_MAP[{group!r}]: each grant is "
                    '{"organisation": "<short name>", "role": "<role>"}.'
                )
            if grant["role"] not in roles:
                raise ImproperlyConfigured(
                    f"OMSLAG_OIDC_ROLE_MAP[{group!r}]: unknown role {grant['role']!r}; "
                    f"use one of {', '.join(roles)}."
                )
            pairs.append((str(grant["organisation"]), grant["role"]))
        parsed[str(group)] = pairs
    return parsed


def _claimed_groups(claims: dict) -> set[str]:
    value = claims.get(settings.OMSLAG_OIDC_ROLES_CLAIM)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(item) for item in value}
    return set()


def roles_apply(person, claims: dict) -> None:
    """Give the person the roles their groups map to and take away mapped roles their groups no
    longer give; roles the map does not mention stay as they are (managed in omslag)."""
    from omslag.organisations import selectors, services

    if not settings.OMSLAG_OIDC_ROLES_CLAIM:
        return
    role_map = role_map_parse(settings.OMSLAG_OIDC_ROLE_MAP)
    managed = {pair for pairs in role_map.values() for pair in pairs}
    wanted = {pair for group in _claimed_groups(claims) for pair in role_map.get(group, [])}
    organisations = selectors.organisations_by_slugs(slug for slug, _role in managed)
    held = {(m.organisation.slug, m.role): m for m in selectors.memberships_of_person(person)}
    for pair, membership in held.items():
        if pair in managed and pair not in wanted:
            services.membership_delete(actor=None, membership=membership)
    for slug, role in sorted(wanted - set(held)):
        organisation = organisations.get(slug)
        if organisation is None:
            log.warning("OMSLAG_OIDC_ROLE_MAP names unknown organisation %r", slug)
            continue
        services.membership_create(actor=None, person=person, organisation=organisation, role=role)


def _full_name(claims: dict) -> str:
    name = claims.get("name") or " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    return str(name or claims.get("email") or "").strip()[:200]


class ProviderBackend(OIDCAuthenticationBackend):
    """A person is found by their e-mail claim (as every sign-in name is compared), created on
    first sign-in without a usable password, and their name and mapped roles follow the
    provider at every sign-in. A deactivated person stays out."""

    def verify_claims(self, claims):
        return (
            super().verify_claims(claims)
            and bool(sign_in_name(claims.get("email")))
            and claims.get("email_verified", True) is not False
        )

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=sign_in_name(claims.get("email")))

    def create_user(self, claims):
        person = self.UserModel.objects.create_user(
            sign_in_name(claims["email"]), None, full_name=_full_name(claims)
        )
        roles_apply(person, claims)
        return person

    def update_user(self, person, claims):
        name = _full_name(claims)
        if name and name != person.full_name:
            person.full_name = name
            person.save(update_fields=["full_name"])
        roles_apply(person, claims)
        return person

    def get_or_create_user(self, access_token, id_token, payload):
        person = super().get_or_create_user(access_token, id_token, payload)
        if person is not None and not person.is_active:
            return None
        if person is not None and hasattr(self.request, "session"):
            self.request.session[PROVIDER_SIGN_IN] = True
        return person


def provider_logout_url(request) -> str:
    """Where signing out sends the browser: the provider's end-session endpoint (with the ID
    token as hint and omslag's sign-in page to come back to), so the provider's session ends
    too; without that endpoint, omslag's sign-in page."""
    back = request.build_absolute_uri(reverse("accounts:login"))
    endpoint = settings.OMSLAG_OIDC_END_SESSION_ENDPOINT
    if not endpoint:
        return back
    params = {"post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"


def signed_in_through_provider(request) -> bool:
    return enabled() and bool(request.session.get(PROVIDER_SIGN_IN))
