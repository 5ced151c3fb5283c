"""Fixtures of the browser tests: one headless Chromium for the whole e2e run, a fresh browser
context per test, and the demo data served by pytest-django's live server."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from omslag.demo import PLATFORM_ADMIN, demo_load
from omslag.organisations import services
from omslag.organisations.models import Organisation

from .support import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, VIEWPORT


@pytest.fixture(scope="package")
def browser():
    """One browser for every test in tests/e2e.

    Package scope rather than session scope: Playwright's sync API keeps an asyncio loop
    registered on the main thread while it is open, and closing it when the last browser test
    is done keeps that from reaching the tests that run after this package.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need the system Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh context (own cookies); closed after the test."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(viewport=VIEWPORT, locale="nl-NL", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@dataclass(frozen=True)
class Site:
    url: str


@pytest.fixture
def demo(live_server, transactional_db):
    """The demo organisations and people, each organisation changed once after creation so
    that its history page shows a table of changed fields."""
    logins = demo_load(password=DEMO_PASSWORD)
    assert logins
    platform_admin = get_user_model().objects.get(email=PLATFORM_ADMIN[0])
    for organisation in Organisation.objects.order_by("pk"):
        services.organisation_update(
            actor=platform_admin,
            organisation=organisation,
            expected_version=organisation.version,
            description=f"{organisation.description} Bijgewerkt voor de browsertests.",
        )
    return Site(url=live_server.url)
