"""The permission matrix: role × own / child / foreign organisation × action, over the web
pages and the API. A foreign organisation is never revealed (404); a visible organisation
whose role does not allow the action gives 403."""

import pytest
from django.test import Client

from omslag.organisations.models import Membership, Organisation, Role

from ..conftest import api_client_for
from ..factories import PersonFactory, member, organisation

ROLES = [role.value for role in Role]
TARGETS = ["own", "child", "foreign"]
ALLOWED = {
    "read": set(ROLES),
    "write": {"editor", "admin"},
    "delete": {"admin"},
    "manage-members": {"admin"},
}


@pytest.fixture
def world(db):
    """The person holds ``role`` on 'eigen' (a leaf) and on 'ministerie' (the parent of the
    leaf 'agentschap'); 'gemeente' is another organisation altogether."""

    def build(role):
        own = organisation("eigen")
        ministry = organisation("ministerie", kind="ministry")
        child = organisation("agentschap", parent=ministry)
        foreign = organisation("gemeente", kind="municipality")
        member(role="admin", org=foreign)  # the foreign organisation has data of its own
        person = PersonFactory()
        member(role, own, person)
        member(role, ministry, person)
        return person, {"own": own, "child": child, "foreign": foreign}

    return build


def expected(role, target, action):
    if target == "foreign":
        return "hidden"
    return "allowed" if role in ALLOWED[action] else "forbidden"


def web_attempt(client, org, action):
    if action == "read":
        response = client.get(f"/organisations/{org.slug}")
        return response, response.status_code == 200
    if action == "write":
        response = client.post(
            f"/organisations/{org.slug}/edit",
            {"name": "Nieuwe naam", "kind": org.kind, "description": "", "version": org.version},
        )
        changed = Organisation.objects.get(pk=org.pk).name == "Nieuwe naam"
        return response, response.status_code == 302 and changed
    if action == "delete":
        response = client.post(f"/organisations/{org.slug}/delete", {"version": org.version})
        deleted = Organisation.all_objects.get(pk=org.pk).deleted_at is not None
        return response, response.status_code == 302 and deleted
    if action == "manage-members":
        response = client.post(
            f"/organisations/{org.slug}/people", {"email": "nieuw@omslag.test", "role": "viewer"}
        )
        added = Membership.objects.filter(organisation=org, person__email="nieuw@omslag.test")
        return response, response.status_code == 302 and added.exists()
    raise AssertionError(action)


def api_attempt(client, org, action):
    url = f"/api/v1/organisations/{org.slug}"
    if action == "read":
        response = client.get(url)
        return response, response.status_code == 200
    if action == "write":
        response = client.patch(url, {"version": org.version, "name": "Nieuwe naam"}, format="json")
        return response, response.status_code == 200
    if action == "delete":
        response = client.delete(f"{url}?version={org.version}")
        return response, response.status_code == 204
    if action == "manage-members":
        response = client.post(
            "/api/v1/memberships",
            {"organisation": org.slug, "personEmail": "nieuw@omslag.test", "role": "viewer"},
            format="json",
        )
        return response, response.status_code == 201
    raise AssertionError(action)


@pytest.mark.parametrize("interface", ["web", "api"])
@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, target, action, interface):
    person, targets = world(role)
    org = targets[target]
    if interface == "web":
        client = Client()
        client.force_login(person)
        response, succeeded = web_attempt(client, org, action)
    else:
        response, succeeded = api_attempt(api_client_for(person), org, action)

    outcome = expected(role, target, action)
    if outcome == "allowed":
        assert succeeded, (response.status_code, getattr(response, "content", b"")[:300])
    else:
        assert not succeeded
        assert response.status_code == (404 if outcome == "hidden" else 403)
        # Nothing changed.
        fresh = Organisation.all_objects.get(pk=org.pk)
        assert fresh.name == org.name and fresh.deleted_at is None
        assert not Membership.objects.filter(person__email="nieuw@omslag.test").exists()
    if interface == "api" and response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"


def test_anonymous_gets_login_page_or_401(tree):
    ministry, _agency, _municipality = tree
    response = Client().get(f"/organisations/{ministry.slug}")
    assert response.status_code == 302 and response["Location"].startswith("/login")
    api = Client().get(f"/api/v1/organisations/{ministry.slug}")
    assert api.status_code == 401
    assert api["Content-Type"] == "application/problem+json"
    assert api["WWW-Authenticate"] == "Bearer"


def test_platform_admin_reads_everything_and_adds_top_level(tree, platform_admin):
    client = api_client_for(platform_admin)
    assert client.get("/api/v1/organisations").json()["count"] == 3
    response = client.post(
        "/api/v1/organisations",
        {"slug": "provincie", "name": "Provincie", "kind": "province"},
        format="json",
    )
    assert response.status_code == 201


def test_only_platform_admin_adds_top_level_organisations(tree, make_member):
    ministry, _agency, _municipality = tree
    admin = make_member("admin", ministry)
    response = api_client_for(admin).post(
        "/api/v1/organisations",
        {"slug": "provincie", "name": "Provincie", "kind": "province"},
        format="json",
    )
    assert response.status_code == 403
    child = api_client_for(admin).post(
        "/api/v1/organisations",
        {"slug": "nieuw-agentschap", "name": "Nieuw", "kind": "agency", "parent": ministry.slug},
        format="json",
    )
    assert child.status_code == 201
    assert Organisation.objects.get(slug="nieuw-agentschap").path.startswith(ministry.path)


def test_role_on_child_does_not_reach_parent(tree, make_member):
    ministry, agency, _municipality = tree
    person = make_member("admin", agency)
    client = Client()
    client.force_login(person)
    assert client.get(f"/organisations/{agency.slug}").status_code == 200
    assert client.get(f"/organisations/{ministry.slug}").status_code == 404


def test_list_shows_only_readable_organisations(tree, make_member):
    ministry, agency, municipality = tree
    person = make_member("viewer", ministry)
    slugs = {
        o["slug"] for o in api_client_for(person).get("/api/v1/organisations").json()["results"]
    }
    assert slugs == {ministry.slug, agency.slug}


def test_membership_of_foreign_organisation_is_not_found(tree, make_member):
    ministry, _agency, municipality = tree
    person = make_member("admin", ministry)
    foreign_member = make_member("viewer", municipality)
    membership = Membership.objects.get(person=foreign_member)
    client = api_client_for(person)
    assert client.get(f"/api/v1/memberships/{membership.pk}").status_code == 404
    assert client.get(f"/api/v1/memberships/{membership.pk}/history").status_code == 404
    web = Client()
    web.force_login(person)
    assert web.get(f"/memberships/{membership.pk}/edit").status_code == 404
    assert web.get(f"/history/membership/{membership.pk}").status_code == 404
    assert web.get(f"/history/organisation/{municipality.pk}").status_code == 404
