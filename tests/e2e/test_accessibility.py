"""Every page of the web interface, as each demo role sees it, passes axe-core's WCAG 2.1 A and
AA rules with zero violations.

Each role signs in once and walks every page its role lets it see; forms are also checked
after a submit with an error, because error summaries and messages are where accessibility
problems hide.
"""

from dataclasses import dataclass

import pytest
from django.template.loader import render_to_string

from omslag.demo.loading import PEOPLE, PLATFORM_ADMIN
from omslag.organisations.models import Membership, Organisation, Role

from .support import E2E, Tour, assert_accessible, screenshot, sign_in, switch_language

pytestmark = E2E

# What each role may do, as DESIGN.md §3 C1 and §2 describe it (independent of access.py):
# editors also change data; administrators also manage people, organisations and imports.
CHANGE_ROLES = {Role.EDITOR, Role.ADMIN}
MANAGE_ROLES = {Role.ADMIN}

BAD_ORGANISATIONS_CSV = """slug,name,kind,parent,description
e2e-directie-data,Directie Data,other,,Een goede rij tussen de foute.
e2e-foute-soort,Foute soort,kasteel,,
,Zonder korte naam,agency,,
e2e-wees,Wees,agency,bestaat-niet,Ouder bestaat niet.
"""
GOOD_ORGANISATIONS_CSV = """slug,name,kind,parent,description
e2e-directie-data,Directie Data,other,,Nieuwe directie uit een import.
e2e-team-open-data,Team Open Data,other,e2e-directie-data,Team onder de nieuwe directie.
"""


@dataclass(frozen=True)
class DemoRole:
    key: str
    email: str
    role: Role | None  # None: platform administrator
    organisation: str  # slug of the organisation the walk is about

    @property
    def platform(self) -> bool:
        return self.role is None

    @property
    def may_change(self) -> bool:
        return self.platform or self.role in CHANGE_ROLES

    @property
    def may_manage(self) -> bool:
        return self.platform or self.role in MANAGE_ROLES


def _demo_roles() -> list[DemoRole]:
    # The platform administrator walks the municipality (a leaf) and the organisation
    # administrator the ministry (with agencies below), so both shapes of page are seen.
    roles = [DemoRole("platform-admin", PLATFORM_ADMIN[0], None, "gemeente-wadderveen")]
    for email, _name, role, slug in PEOPLE:
        if all(r.role != role for r in roles):
            roles.append(DemoRole(str(role), email, role, slug))
    return roles


DEMO_ROLES = _demo_roles()


def _upload(tour: Tour, slug: str, filename: str, content: str, label: str) -> None:
    page = tour.page
    tour.visit(f"/organisations/{slug}/import", "import upload", check=False)
    page.select_option("#id_kind", "organisations")
    page.set_input_files(
        "#id_file",
        files=[{"name": filename, "mimeType": "text/csv", "buffer": content.encode()}],
    )
    tour.submit(page.locator("main form[enctype] button[type=submit]"), label)
    assert "/imports/" in page.url, f"{tour.who}: upload of {filename} ended at {page.url}"


@pytest.mark.parametrize("who", DEMO_ROLES, ids=lambda who: who.key)
def test_every_page_the_role_may_see_passes_axe(demo, new_page, who):
    page = new_page()
    sign_in(page, demo.url, who.email)
    tour = Tour(page, demo.url, who.key)
    organisation = Organisation.objects.get(slug=who.organisation)
    slug = organisation.slug
    membership = Membership.objects.filter(organisation=organisation).order_by("pk").first()
    assert membership is not None

    tour.check("home")
    tour.visit("/organisations", "organisation tree")
    # Screenshots for docs/ (only with OMSLAG_SCREENSHOTS=1) show the ministry with agencies.
    screenshots = who.role == Role.ADMIN
    if screenshots:
        screenshot(page, "organisation-tree")
    tour.visit(f"/organisations/{slug}", "organisation page")
    if screenshots:
        screenshot(page, "organisation-page")
    edit_link = page.locator(f"main a[href='/organisations/{slug}/edit']")
    assert edit_link.count() == (1 if who.may_change else 0), "Edit button does not follow role"
    import_link = page.locator(f"main a[href='/organisations/{slug}/import']")
    assert import_link.count() == (1 if who.may_manage else 0), "Import button does not follow role"

    tour.visit(f"/organisations/{slug}/people", "people and roles")
    tour.visit(f"/history/organisation/{organisation.pk}", "organisation history")
    assert page.locator("main table").count() >= 2, "history shows no table of changed fields"
    if screenshots:
        screenshot(page, "history")
    tour.visit(f"/history/membership/{membership.pk}", "membership history")
    tour.visit(f"/organisations/{slug}/export", "export form")

    tour.visit("/account", "account page")
    assert "Bearer <token>" in page.inner_text("main"), "the token format is not shown"
    page.fill("#id_name", "nachtelijke export")
    tour.submit(page.locator("form[aria-labelledby='new-token'] button"), "account page, new token")
    assert page.locator(".secret").count() == 1, "the new token is not shown"
    page.fill("#id_name", "")
    tour.submit(page.locator("form[aria-labelledby='new-token'] button"), "account page, error")

    if who.may_change:
        tour.visit(f"/organisations/{slug}/edit", "edit form")
        page.fill("#id_name", "")
        tour.submit(page.locator("main form.stacked button[type=submit]"), "edit form, error")
        assert page.locator(".error-summary").count() == 1
    else:
        # Reading roles are refused; the 403 page itself is checked once, for the viewer.
        tour.visit(
            f"/organisations/{slug}/edit", "403 page", status=403, check=who.role == Role.VIEWER
        )

    if who.may_manage:
        tour.visit(f"/organisations/{slug}/new-child", "add-child form")
        tour.submit(page.locator("main form.stacked button[type=submit]"), "add-child, errors")
        assert page.locator(".error-summary").count() == 1
        tour.visit(f"/organisations/{slug}/delete", "delete confirmation")
        tour.visit(f"/organisations/{slug}/move", "move form")
        next_button = page.locator("main form.stacked button[type=submit]")
        if who.platform:
            # The first organisation offered; the confirmation is checked, not sent.
            page.select_option("#id_parent", index=1)
            tour.submit(next_button, "move confirmation")
            assert page.locator("main dl.facts").count() == 1, "the move is not summarised"
        else:
            tour.submit(next_button, "move form, error")
            assert page.locator(".error-summary").count() == 1

        tour.visit(f"/organisations/{slug}/people", "people and roles", check=False)
        page.fill("#id_email", "geen-e-mailadres")
        page.select_option("#id_role", Role.EDITOR.value)
        tour.submit(page.locator("form[aria-labelledby='add-person'] button"), "people, error")
        assert page.locator(".error-summary").count() == 1
        tour.visit(f"/memberships/{membership.pk}/edit", "membership role form")
        tour.visit(f"/memberships/{membership.pk}/delete", "membership removal confirmation")

        tour.visit(f"/organisations/{slug}/import", "import upload")
        _upload(tour, slug, "fout.csv", BAD_ORGANISATIONS_CSV, "import preview with problems")
        problems = page.locator("main table", has=page.locator("caption", has_text="Problemen"))
        assert problems.locator("tbody tr").count() == 3, "expected three problem rows"
        if screenshots:
            screenshot(page, "import-problems")
        _upload(tour, slug, "goed.csv", GOOD_ORGANISATIONS_CSV, "import preview, no problems")
        tour.submit(page.locator("main form[action$='/confirm'] button"), "import done")

    if who.platform:
        tour.visit("/organisations/new", "add top-level organisation form")

    if who.role == Role.VIEWER:
        tour.visit("/organisations/bestaat-niet", "404 page", status=404)

    tour.visit(f"/organisations/{slug}", "organisation page", check=False)
    response = switch_language(page, "en")
    assert response.status == 200 and page.url == demo.url + f"/organisations/{slug}"
    assert page.get_attribute("html", "lang") == "en"
    assert "Organisations" in page.inner_text("nav.site-nav")
    tour.check("organisation page in English")

    tour.assert_accessible()


def test_pages_for_visitors_not_signed_in_pass_axe(demo, new_page):
    page = new_page()
    tour = Tour(page, demo.url, "a visitor not signed in")
    submit = page.locator("main form button[type=submit]")

    tour.visit("/login", "login")
    page.fill("#id_username", "lezer@omslag.example")
    page.fill("#id_password", "niet-het-wachtwoord")
    tour.submit(submit, "login, wrong password")
    assert page.locator(".error-summary").count() == 1
    tour.visit("/bestaat-niet", "404 page", status=404)
    tour.visit("/login?" + "&".join(f"veld{i}=1" for i in range(1001)), "400 page", status=400)

    # A form whose CSRF cookie is gone: the "form expired" page.
    tour.visit("/login", "login", check=False)
    page.context.clear_cookies()
    page.fill("#id_username", "lezer@omslag.example")
    page.fill("#id_password", "niet-het-wachtwoord")
    tour.submit(submit, "form expired (CSRF) page", status=403)

    # The 500 page is static HTML; serve it at an address the way the server would.
    page.route(
        "**/e2e-server-error",
        lambda route: route.fulfill(
            status=500, content_type="text/html; charset=utf-8", body=render_to_string("500.html")
        ),
    )
    tour.visit("/e2e-server-error", "500 page", status=500)

    # Too many failed attempts: signing in is blocked for a while.
    for _attempt in range(10):
        tour.visit("/login", "login", check=False)
        page.fill("#id_username", "onbekend@omslag.example")
        page.fill("#id_password", "niet-het-wachtwoord")
        with page.expect_navigation() as navigation:
            submit.click()
        if navigation.value.status != 200:
            break
    assert navigation.value.status in (403, 429), "signing in was never blocked"
    tour.check("signing in blocked")

    tour.assert_accessible()


def test_the_check_names_rule_impact_and_nodes_of_a_violation(new_page):
    """The check itself must find problems, or a pass above would mean nothing."""
    page = new_page()
    page.set_content(
        '<html lang="nl"><head><title>proef</title></head><body><main>'
        '<img src="data:," id="zonder-alt"><input id="veld" aria-describedby="weg">'
        "</main></body></html>"
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "a page with known problems")
    message = str(failure.value)
    assert "image-alt [critical]" in message and "#zonder-alt" in message
    assert "label [critical]" in message and "#veld" in message
    assert 'broken-idref [serious] #veld has aria-describedby="weg"' in message
