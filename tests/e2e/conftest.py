"""Fixtures of the browser tests: one headless Chromium for the whole e2e run, a fresh browser
context per test, and the demo data served by pytest-django's live server."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import translation

from omslag.demo.loading import PLATFORM_ADMIN, demo_load
from omslag.organisations import services
from omslag.organisations.models import Organisation
from tests.conftest import skip_unless

from .demo_snapshot import demo_ready
from .support import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, VIEWPORT


@pytest.fixture
def chromium_present() -> None:
    skip_unless(CHROMIUM.exists(), f"browser tests need the system Chromium at {CHROMIUM}")


@pytest.fixture(scope="package")
def browser():
    """One browser for every test in tests/e2e.

    Package scope rather than session scope: Playwright's sync API keeps an asyncio loop
    registered on the main thread while it is open, and closing it when the last browser test
    is done keeps that from reaching the tests that run after this package.
    """
    skip_unless(CHROMIUM.exists(), f"browser tests need the system Chromium at {CHROMIUM}")
    from playwright import sync_api  # a dev dependency, installed with the rest

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
        # A page that never comes still fails; 30 s leaves room for a loaded machine, where
        # the second test worker's server and browser share the cores with this one's.
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@dataclass(frozen=True)
class Site:
    url: str


def demo_build() -> None:
    assert demo_load(password=DEMO_PASSWORD)  # any error in a loader fails the test
    platform_admin = get_user_model().objects.get(email=PLATFORM_ADMIN[0])
    for organisation in Organisation.objects.order_by("pk"):
        services.organisation_update(
            actor=platform_admin,
            organisation=organisation,
            expected_version=organisation.version,
            description=f"{organisation.description} Bijgewerkt voor de browsertests.",
        )


@pytest.fixture
def demo(live_server, transactional_db, tmp_path_factory):
    """The demo organisations and people, each organisation changed once after creation so
    that its history page shows a table of changed fields. Built by the first test that asks
    for it and copied back for the others (demo_snapshot.py: the same rows and keys)."""
    demo_ready(demo_build, media_copy=tmp_path_factory.mktemp("demo-media") / "media")
    return Site(url=live_server.url)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class CapabilitySite:
    url: str


@pytest.fixture(scope="module")
def capabilities(django_db_setup, django_db_blocker):
    """The demo data loaded once for a whole module, served by a live server of its own.

    pytest-django's ``live_server`` makes every test that uses it flush the database
    (transactional_db), so a module that wants its data to last starts its own server
    thread (the same helper) and flushes the database itself at the end. Tests in the module
    run in order and may build on what earlier tests changed.
    """
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        # pytest-django creates the test database only when a collected test asks for
        # database access through its fixtures or marker; this module's tests do not (that
        # would flush the data after each test), so create it here when a run holds only them.
        own_database = None
        if "organisations_organisation" not in connection.introspection.table_names():
            own_database = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            # As tests/conftest.py's function-scoped settings have it during each test.
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS), translation.override("en"):
                assert demo_load(password=DEMO_PASSWORD)  # an error fails the module
            yield CapabilitySite(url=server.url)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            connections.close_all()
            call_command("flush", interactive=False, verbosity=0)
            if own_database is not None:
                teardown_databases(own_database, verbosity=0)


def pytest_sessionfinish(session, exitstatus):
    """With OMSLAG_ACCESSIBILITY_REPORT=1, record what the axe checks of this run saw, for
    the public accessibility statement (src/omslag/participation/accessibility_results.json).
    Run it over the whole e2e directory so that every page of every role is counted."""
    import datetime as dt
    import os

    from .support import AXE_RECORD

    if os.environ.get("OMSLAG_ACCESSIBILITY_REPORT") != "1" or not AXE_RECORD.pages:
        return
    from omslag.participation import accessibility

    accessibility.results_write(
        accessibility.RESULTS_FILE,
        checked_on=dt.date.today(),
        pages=len(AXE_RECORD.pages),
        roles={who for who, _url, _count in AXE_RECORD.pages if who},
        violations=sum(count for _who, _url, count in AXE_RECORD.pages),
        pages_with_violations=sum(1 for _who, _url, count in AXE_RECORD.pages if count),
        tool=AXE_RECORD.tool,
    )
