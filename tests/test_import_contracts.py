"""The checked layers: the import contracts in pyproject.toml hold for the code, and they
fail when a forbidden import is added (shown on a copy of the source, so the tree is never
touched)."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
APPS = sorted(p.parent.name for p in (ROOT / "src" / "omslag").glob("*/apps.py"))


def lint_imports(cwd: Path, src: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_app_is_under_the_contracts():
    """A new app is named in the contracts (its views may not read other apps' models, the
    analysis core and common may not import it), or the layers are not checked for it."""
    domain_apps = set(APPS) - {"common"}
    core = next(c for c in contracts() if c["source_modules"] == ["omslag.analysis"])
    common = next(c for c in contracts() if c["source_modules"] == ["omslag.common"])
    per_app = {
        c["name"].split(":")[0] for c in contracts() if c["name"].endswith("other apps' models")
    }
    assert {f"omslag.{a}" for a in domain_apps} <= set(core["forbidden_modules"])
    assert {f"omslag.{a}" for a in domain_apps} == set(common["forbidden_modules"])
    assert per_app == domain_apps


@pytest.fixture
def source_copy(tmp_path):
    """The Python source and the contracts, copied; templates and data are left out."""
    shutil.copytree(
        ROOT / "src" / "omslag",
        tmp_path / "src" / "omslag",
        ignore=shutil.ignore_patterns("templates", "static", "locale", "__pycache__", "*.json"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "forbidden_import", "broken"),
    [
        (
            "analysis/spend/balance.py",
            "from django.db import models",
            "The analysis core imports nothing of Django",
        ),
        ("common/locking.py", "from omslag.portfolio import selectors", "common imports no domain"),
        (
            "organisations/selectors.py",
            "from omslag.portfolio import selectors",
            "No cycles between the apps",
        ),
        (
            "projects/views/projects.py",
            "from omslag.innovation.models import Experiment",
            "projects: views, API, forms and commands do not import other apps' models",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(source_copy, module, forbidden_import, broken):
    path = source_copy / "src" / "omslag" / module
    path.write_text(path.read_text() + f"\n{forbidden_import}  # noqa\n")
    result = lint_imports(source_copy, source_copy / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    broken_section = result.stdout.split("Broken contracts")[1]
    assert broken in broken_section.replace("\n", " ")
