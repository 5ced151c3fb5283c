"""Moving an organisation through the page, the API and the command line: who may, what is
offered, what is refused (a cycle, a stale version, a parent without the right), and that
the stored figures of the old and the new organisations above it are those counted afresh
from the records afterwards (the ``land`` of test_moves_mark_figures: spend 1000 in the
first ministry, 2000 in the second, 3000 in the agency below the first, 4000 in the service
below the agency)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from omslag import cli
from omslag.organisations.models import Organisation

from ..conftest import api_client_for
from ..factories import PersonFactory, member
from . import test_moves_mark_figures as moves

pytestmark = pytest.mark.django_db
land = moves.land  # the two ministries, the agency and the service with their figures
assert_all_fresh, stored_balance_total = moves.assert_all_fresh, moves.stored_balance_total


def web(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def parent_slug(org) -> str | None:
    parent = Organisation.objects.get(pk=org.pk).parent
    return parent.slug if parent else None


def options(response) -> list[str]:
    return [value for value, _label in response.context["form"].fields["parent"].choices]


def both_admin_of(first, second):
    person = PersonFactory()
    member("admin", first, person)
    member("admin", second, person)
    return person


@pytest.fixture
def both_admin(land):
    """Administrator of both ministries (and so of the agency and the service)."""
    first, second, *_ = land
    return both_admin_of(first, second)


# The page


def test_the_page_offers_what_the_person_administers_but_the_subtree_and_the_parent(
    land, both_admin
):
    first, second, agency, service, _shipped = land
    response = web(both_admin).get(f"/organisations/{agency.slug}/move")
    assert response.status_code == 200
    # Not the agency, not the service below it, not the first ministry it is already under.
    assert options(response) == ["", second.slug]
    # The top level is the platform administrators': a parent must be chosen.
    assert response.context["form"].fields["parent"].required
    detail = web(both_admin).get(f"/organisations/{agency.slug}")
    assert f'href="/organisations/{agency.slug}/move"' in detail.content.decode()


def test_choose_confirm_move_and_the_figures_above_are_fresh(
    land, both_admin, django_capture_on_commit_callbacks
):
    first, second, agency, service, shipped = land
    client = web(both_admin)
    chosen = client.post(
        f"/organisations/{agency.slug}/move", {"parent": second.slug, "version": agency.version}
    )
    assert chosen.status_code == 200
    assert chosen.templates[0].name == "organisations/organisation_move_confirm.html"
    preview = chosen.context["preview"]
    assert preview["below"] == 1
    assert [o.slug for o in preview["old_chain"]] == [first.slug]
    assert [o.slug for o in preview["new_chain"]] == [second.slug]
    assert parent_slug(agency) == first.slug  # nothing moved before the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(
            f"/organisations/{agency.slug}/move",
            {"parent": second.slug, "version": agency.version, "confirm": "1"},
        )
    assert moved.status_code == 302 and moved["Location"] == f"/organisations/{agency.slug}"
    assert parent_slug(agency) == second.slug
    assert Organisation.objects.get(pk=service.pk).path == f"/{second.pk}/{agency.pk}/{service.pk}/"
    assert stored_balance_total(first) == Decimal(1000)
    assert stored_balance_total(second) == Decimal(2000 + 3000 + 4000)
    assert_all_fresh([first, second, agency], shipped)
    shown = client.get(moved["Location"])
    assert [m.level_tag for m in shown.context["messages"]] == ["success"]


def test_a_parent_below_itself_is_refused_at_the_field(land, both_admin):
    first, _second, agency, service, _shipped = land
    response = web(both_admin).post(
        f"/organisations/{agency.slug}/move", {"parent": service.slug, "version": agency.version}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("parent", code="cycle")
    assert 'id="id_parent_error"' in response.content.decode()
    assert parent_slug(agency) == first.slug


def test_a_stale_version_is_a_conflict(land, both_admin):
    first, second, agency, _service, _shipped = land
    response = web(both_admin).post(
        f"/organisations/{agency.slug}/move",
        {"parent": second.slug, "version": agency.version - 1, "confirm": "1"},
    )
    assert response.status_code == 409
    assert response.context["conflict"]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert response.context["form"]["version"].value() == agency.version
    assert parent_slug(agency) == first.slug


def test_rights_another_organisations_admin_an_editor_and_a_parent_not_administered(land):
    first, second, agency, _service, _shipped = land
    outsider = member("admin", second)
    assert web(outsider).get(f"/organisations/{agency.slug}/move").status_code == 404
    editor = member("editor", first)
    assert web(editor).get(f"/organisations/{agency.slug}/move").status_code == 403
    assert f"/organisations/{agency.slug}/move" not in (
        web(editor).get(f"/organisations/{agency.slug}").content.decode()
    )
    # An administrator of the first ministry alone has nowhere to move it: the page says so.
    alone = web(member("admin", first)).get(f"/organisations/{agency.slug}/move")
    assert options(alone) == [""] and alone.context["nowhere"]
    assert (
        not web(both_admin_of(first, second))
        .get(f"/organisations/{agency.slug}/move")
        .context["nowhere"]
    )
    # An administrator of the first ministry who only reads the second cannot move there.
    local = member("admin", first)
    member("viewer", second, local)
    client = web(local)
    assert second.slug not in options(client.get(f"/organisations/{agency.slug}/move"))
    refused = client.post(
        f"/organisations/{agency.slug}/move",
        {"parent": second.slug, "version": agency.version, "confirm": "1"},
    )
    assert refused.status_code == 200
    assert refused.context["form"].has_error("parent", code="invalid_choice")
    # Nor to the top level, which is the platform administrators'.
    top = client.post(
        f"/organisations/{agency.slug}/move", {"parent": "", "version": agency.version}
    )
    assert top.context["form"].has_error("parent", code="required")
    assert parent_slug(agency) == first.slug


def test_a_platform_administrator_moves_to_the_top_level(
    land, platform_admin, django_capture_on_commit_callbacks
):
    first, _second, agency, _service, shipped = land
    client = web(platform_admin)
    assert (
        client.get(f"/organisations/{agency.slug}/move").context["form"].fields["parent"].required
        is False
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/{agency.slug}/move",
            {"parent": "", "version": agency.version, "confirm": "1"},
        )
    assert response.status_code == 302
    assert parent_slug(agency) is None
    assert stored_balance_total(first) == Decimal(1000)
    assert_all_fresh([first, agency], shipped)


# The API


def move_api(person, org, body):
    return api_client_for(person).post(
        f"/api/v1/organisations/{org.slug}/move", body, format="json"
    )


def test_api_moves_and_the_figures_above_are_fresh(
    land, both_admin, django_capture_on_commit_callbacks
):
    first, second, agency, _service, shipped = land
    assert dashboard(both_admin, second)["balance"]["total"] == "2000.00"
    with django_capture_on_commit_callbacks(execute=True):
        response = move_api(both_admin, agency, {"parent": second.slug, "version": agency.version})
    assert response.status_code == 200
    assert response.json()["parent"] == second.slug
    assert response.json()["version"] == agency.version + 1
    assert stored_balance_total(second) == Decimal(2000 + 3000 + 4000)
    assert_all_fresh([first, second, agency], shipped)
    # The board dashboards over the subtrees: the first ministry keeps its own spend and
    # project (budget 1 million), the second gains the agency's and the service's (3 and 4).
    for org, organisations, spent, budget in ((first, 1, 1000, 1), (second, 3, 9000, 9)):
        board = dashboard(both_admin, org)
        assert board["organisations"] == organisations
        assert board["balance"]["total"] == f"{spent}.00"
        assert board["projects"]["count"] == organisations
        assert board["projects"]["originalBudget"] == f"{budget * 1_000_000}.00"


def dashboard(person, org) -> dict:
    response = api_client_for(person).get(
        f"/api/v1/organisations/{org.slug}/dashboard?withChildren=true"
    )
    assert response.status_code == 200
    return response.json()


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_api_errors(land, both_admin):
    first, second, agency, service, _shipped = land
    version = agency.version
    unknown = problem(
        move_api(both_admin, agency, {"parent": "bestaat-niet", "version": version}), 400
    )
    assert [p["name"] for p in unknown["invalidParams"]] == ["parent"]
    problem(move_api(both_admin, agency, {"parent": service.slug, "version": version}), 422)
    problem(move_api(both_admin, agency, {"parent": agency.slug, "version": version}), 422)
    # Where it is already: nothing would move, said as the page and the command say it.
    there = problem(move_api(both_admin, agency, {"parent": first.slug, "version": version}), 422)
    assert there["detail"] == f"{agency.name} staat daar al; kies een andere plaats."
    problem(move_api(both_admin, agency, {"parent": second.slug, "version": version - 1}), 409)
    problem(move_api(both_admin, agency, {"version": version}), 400)  # parent is required
    # Top level: a platform administrator's right.
    problem(move_api(both_admin, agency, {"parent": None, "version": version}), 403)
    # No right on the organisation: hidden when unreadable, forbidden when only read.
    problem(
        move_api(member("admin", second), agency, {"parent": second.slug, "version": version}), 404
    )
    viewer = member("viewer", first)
    member("admin", second, viewer)
    problem(move_api(viewer, agency, {"parent": second.slug, "version": version}), 403)
    # No right on the parent: read but not administered is forbidden, unread is unknown.
    local = member("admin", first)
    hidden = problem(move_api(local, agency, {"parent": second.slug, "version": version}), 400)
    assert [p["name"] for p in hidden["invalidParams"]] == ["parent"]
    member("viewer", second, local)
    problem(move_api(local, agency, {"parent": second.slug, "version": version}), 403)
    assert parent_slug(agency) == first.slug


# The command line


def test_command_moves_and_the_figures_above_are_fresh(land, django_capture_on_commit_callbacks):
    first, second, agency, _service, shipped = land
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("organisation-move", agency.slug, "--parent", second.slug, stdout=out)
    assert parent_slug(agency) == second.slug
    assert agency.name in out.getvalue() and second.name in out.getvalue()
    assert stored_balance_total(second) == Decimal(2000 + 3000 + 4000)
    assert_all_fresh([first, second, agency], shipped)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("organisation-move", agency.slug, "--top", stdout=out)
    assert parent_slug(agency) is None
    assert stored_balance_total(second) == Decimal(2000)


@pytest.mark.parametrize(
    "arguments",
    [
        ["bestaat-niet", "--parent", "mv-tweede"],
        ["mv-dienst", "--parent", "bestaat-niet"],
        ["mv-dienst", "--parent", "mv-uitvoering"],  # below itself
        ["mv-dienst", "--parent", "mv-dienst"],
        ["mv-dienst", "--parent", "mv-eerste"],  # already there
        ["mv-dienst", "--parent", "mv-tweede", "--actor", "niemand@omslag.test"],
    ],
)
def test_command_bad_input_exits_with_status_2(land, arguments):
    with pytest.raises(CommandError) as refused:
        call_command("organisation-move", *arguments)
    assert refused.value.returncode == 2
    assert parent_slug(land[2]) == land[0].slug


def test_the_omslag_command_exits_with_status_2_and_says_why(land, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["omslag", "organisation-move", "mv-dienst", "--parent", "mv-uitvoering"])
    assert exited.value.code == 2
    assert "below itself" in capsys.readouterr().err
