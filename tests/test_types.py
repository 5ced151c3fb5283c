"""mypy strict over the files listed under [tool.mypy] in pyproject.toml (the analysis core,
the shared pieces of common, and the apps' services and selectors): CI runs `make test`, so
the types are checked there. mypy's cache keeps a second run to a few seconds."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import skip_unless

ROOT = Path(__file__).resolve().parent.parent


def _mypy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def mypy_available():
    found = subprocess.run([sys.executable, "-m", "mypy", "--version"], capture_output=True)
    skip_unless(found.returncode == 0, "mypy is not installed")


def test_the_typed_files_pass_mypy_strict(mypy_available):
    result = _mypy()
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_reports_an_error_in_a_typed_file(mypy_available, tmp_path):
    """The check can fail: an untyped function in strict mode is an error."""
    source = tmp_path / "untyped.py"
    source.write_text("def double(x):\n    return x * 2\n")
    result = _mypy("--strict", "--no-incremental", str(source))
    assert result.returncode == 1 and "no-untyped-def" in result.stdout


# Services and selectors not annotated yet: none are left, and the list may only stay empty (a
# new app's services and selectors are checked from the start).
NOT_YET: set[str] = set()


def test_every_apps_services_and_selectors_are_checked_or_listed_as_not_yet():
    """Each app's services and selectors are in [tool.mypy] files, or still in NOT_YET; one
    that is checked must leave NOT_YET, and a new app's are checked from the start."""
    files = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"])
    src = ROOT / "src" / "omslag"
    layers = {
        str(path.relative_to(ROOT))
        for pattern in ("*/services.py", "*/services", "*/selectors.py", "*/selectors")
        for path in src.glob(pattern)
    }
    assert sorted(layers - files) == sorted(NOT_YET)
    assert layers >= NOT_YET
