import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
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


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (the backup API: the write-ahead log included)."""
    with sqlite3.connect(source) as read, sqlite3.connect(target) as write:
        read.backup(write)
    read.close()
    write.close()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Callable[[Path], Path]:
    """Put an embedded database with every migration applied into a data folder.

    A subprocess test that needs a migrated SQLite database of its own (a worker, a backup,
    the demo) would otherwise pay ``omslag migrate`` on an empty file: about 13 s of CPU for
    the 80 migrations. The first test of the run that asks migrates one template file with
    ``omslag migrate`` (a subprocess, as those tests run); every test gets a copy. The
    template lies in the temporary folder that pytest-xdist's workers share, under a lock, so
    the whole run migrates it once. What migrating an empty file does is still tested where it
    is the subject (tests/test_cli_and_settings.py, tests/test_readme_tour.py)."""
    import fcntl

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the folder of this run, above each worker's own
    folder = root / "migrated-sqlite"
    folder.mkdir(exist_ok=True)
    template = folder / "omslag.sqlite3"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            build = folder / "build"
            build.mkdir(exist_ok=True)
            skip = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
            env = {k: v for k, v in os.environ.items() if k not in skip}
            env["OMSLAG_DATA_DIR"] = str(build)
            subprocess.run(
                [sys.executable, "-m", "omslag.cli", "migrate", "-v0"],
                env=env,
                check=True,
                timeout=900,
            )
            _sqlite_copy(build / "omslag.sqlite3", folder / "partial.sqlite3")
            (folder / "partial.sqlite3").rename(template)  # complete, or not there at all

    def put(data_dir: Path) -> Path:
        data_dir.mkdir(parents=True, exist_ok=True)
        target = data_dir / "omslag.sqlite3"
        _sqlite_copy(template, target)
        return target

    return put


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


def pytest_xdist_auto_num_workers(config):
    """How many workers `pytest -n auto` (`make test`) starts: OMSLAG_TEST_WORKERS when set
    (0 runs everything in one process), otherwise one per core this process may use."""
    wanted = os.environ.get("OMSLAG_TEST_WORKERS", "").strip()
    if wanted:
        try:
            return max(0, int(wanted))
        except ValueError:
            raise pytest.UsageError(
                f"OMSLAG_TEST_WORKERS is a number of workers, not {wanted!r}"
            ) from None
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


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
