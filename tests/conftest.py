import os
import shutil
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from omslag.accounts.services import api_token_issue

from .factories import PersonFactory, member, organisation

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service and command messages are asserted in English; requests still pick their own
    language (Dutch unless the client asks otherwise)."""
    from django.utils import translation

    with translation.override("en"):
        yield


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Argon2 is slow on purpose; tests that are not about hashing use a fast hasher.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, rolled back after its last test.

    Data that a module's tests only read is then made once (Django's ``setUpTestData``):
    each test still runs in a savepoint of its own (the ``db`` fixture), so what one test
    changes is undone before the next. Make the data in a module-scoped fixture that asks for
    this one, inside ``django_db_blocker.unblock()`` and ``module_settings()``.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def module_settings():
    """What the function-scoped fixtures below give each test, for data made once per module."""
    from contextlib import ExitStack

    from django.test import override_settings
    from django.utils import translation

    stack = ExitStack()
    stack.enter_context(override_settings(PASSWORD_HASHERS=FAST_HASHERS))
    stack.enter_context(translation.override("en"))
    return stack


@pytest.fixture
def tree(db):
    """A ministry with one agency below it, and an unrelated municipality."""
    ministry = organisation("ministerie", kind="ministry")
    agency = organisation("agentschap", parent=ministry)
    municipality = organisation("gemeente", kind="municipality")
    return ministry, agency, municipality


@pytest.fixture
def make_member(db):
    return member


@pytest.fixture
def person(db):
    return PersonFactory()


@pytest.fixture
def platform_admin(db):
    return PersonFactory(is_superuser=True, is_staff=True)


def api_client_for(person) -> APIClient:
    client = APIClient()
    _token, secret = api_token_issue(person=person, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api_for():
    return api_client_for


# The real public data the tests read (never copied into the project): ../shared/data next to
# the checkout, or the folder OMSLAG_SHARED_DATA names (a worktree that lives elsewhere).
SHARED_DATA = Path(
    os.environ.get("OMSLAG_SHARED_DATA")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


def skip_unless(available: bool, reason: str) -> None:
    """Skip with a clear reason when a real part is missing; in CI (OMSLAG_REQUIRE_ALL=1)
    a missing part is a failure, so nothing is silently left untested."""
    if available:
        return
    if os.environ.get("OMSLAG_REQUIRE_ALL") == "1":
        pytest.fail(f"required in CI but missing: {reason}")
    pytest.skip(reason)


def pytest_sessionstart(session):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("OMSLAG_REQUIRE_ALL") == "1" and "postgresql" not in engine:
        raise pytest.UsageError("OMSLAG_REQUIRE_ALL=1 needs DATABASE_URL pointing to PostgreSQL")


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    browser = chromium_path() or "missing: browser tests will be skipped"
    return [f"omslag: database {engine}; chromium {browser}"]
