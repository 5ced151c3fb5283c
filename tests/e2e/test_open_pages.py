"""The public side in Chromium without JavaScript: every public page passes axe (WCAG 2.1 A
and AA) with zero violations, and the four-eyes workflow works as plain forms."""

from omslag.publication import services
from omslag.publication.models import Kind, Publication

from .support import E2E, assert_accessible, screenshot, sign_in

pytestmark = E2E


def _public_pages(page, base) -> list[str]:
    """The start page, the catalogue, and per organisation its page, every list and the first
    record of every list."""
    page.goto(f"{base}/open/")
    pages = [f"{base}/open/", f"{base}/open/datasets"]
    organisations = [a.get_attribute("href") for a in page.locator("main .card h3 a").all()]
    for organisation in organisations:
        pages.append(base + organisation)
        page.goto(base + organisation)
        lists = [a.get_attribute("href") for a in page.locator("main .card h2 a").all()]
        for listing in lists:
            pages.append(base + listing)
            page.goto(base + listing)
            first = page.locator("main table tbody th a").first
            pages.append(base + first.get_attribute("href"))
    return pages


def test_every_public_page_is_accessible_without_javascript(demo, new_page):
    base = demo.url
    wadderveen = "gemeente-wadderveen"
    # A correction (so a page has a version history and changes) and a withdrawal notice.
    project = Publication.objects.filter(kind=Kind.PROJECT, is_current=True).first()
    lesson = Publication.objects.filter(
        organisation__slug=wadderveen, kind=Kind.LESSON, is_current=True
    ).first()
    from omslag.projects.models import Project
    from omslag.projects.services import project_update

    record = Project.objects.get(pk=project.source_id)
    project_update(
        actor=None, project=record, expected_version=record.version, goal="Bijgesteld doel."
    )
    services.publication_publish_now(
        organisation=record.organisation, kind=Kind.PROJECT, source_id=record.pk
    )
    services.publication_withdraw(
        actor=None,
        organisation=lesson.organisation,
        kind=Kind.LESSON,
        source_id=lesson.source_id,
        reason="Dubbel gepubliceerd.",
    )

    nojs = new_page(java_script_enabled=False)
    pages = _public_pages(nojs, base)
    pages += [
        f"{base}/open/{record.organisation.slug}/projects/{record.pk}?version=1",
        f"{base}/open/{wadderveen}/lessons/{lesson.source_id}/notice",
        f"{base}/open/{record.organisation.slug}/projects?q=a",
    ]
    assert len(pages) > 15
    for url in pages:
        response = nojs.goto(url)
        assert response.status == 200, url
        assert "omslag" in nojs.title()
    # axe itself is JavaScript: the same pages are checked in a page that runs it.
    page = new_page()
    for url in pages:
        page.goto(url)
        assert_accessible(page, url)

    page.goto(f"{base}/open/")
    screenshot(page, "open-start", palette=True)
    page.goto(f"{base}/open/{record.organisation.slug}/projects/{record.pk}")
    assert "Bijgesteld doel." in page.inner_text("main")
    assert "Versiegeschiedenis" in page.inner_text("main")
    screenshot(page, "open-project", palette=True)
    challenge = Publication.objects.filter(kind=Kind.CHALLENGE, is_current=True).first()
    page.goto(f"{base}/open/{challenge.organisation.slug}/challenges/{challenge.source_id}")
    screenshot(page, "open-challenge", palette=True)
    withdrawn = page.goto(f"{base}/open/{wadderveen}/lessons/{lesson.source_id}")
    assert withdrawn.status == 404
    assert "Dubbel gepubliceerd." in page.inner_text("main")
    assert_accessible(page, "withdrawn record")


def test_an_editor_proposes_and_another_administrator_approves_without_javascript(demo, new_page):
    base = demo.url
    slug = "gemeente-wadderveen"
    editor = new_page(java_script_enabled=False)
    sign_in(editor, base, "redacteur@omslag.example")
    editor.goto(f"{base}/organisations/{slug}/publications")
    propose = editor.locator("main form[action$='/publications/propose'] button").filter(
        has_text="Stel voor om te publiceren"
    )
    with editor.expect_navigation():
        propose.first.click()
    assert "/preview" in editor.url
    assert "Voorbeeld" in editor.inner_text("main")
    preview_url = editor.url
    checker = new_page()
    sign_in(checker, base, "redacteur@omslag.example")
    for url in (f"{base}/organisations/{slug}/publications", preview_url):
        checker.goto(url)
        assert_accessible(checker, url)

    admin = new_page(java_script_enabled=False)
    sign_in(admin, base, "beheerder@omslag.example")
    admin.goto(preview_url)
    with admin.expect_navigation():
        admin.locator("main form[action$='/approve'] button").click()
    assert admin.url.endswith(f"/organisations/{slug}/publications")
    assert "Gepubliceerd." in admin.inner_text("main")
    approved = Publication.objects.filter(status=Publication.Status.APPROVED).latest("decided_at")
    assert approved.decided_by.email == "beheerder@omslag.example"
