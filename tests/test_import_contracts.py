"""The checked layers: the import contracts in pyproject.toml hold for the code, and they
fail when a forbidden import is added (shown on a copy of the source, so the tree is never
touched)."""

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
LAYERS = ("views", "api", "forms", "management")
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


def test_every_apps_contract_covers_its_commands_and_forbids_every_other_apps_models():
    """Each per-app contract lists the app's views, API, forms and commands that exist, and
    forbids the models of every other app that has them."""
    omslag = ROOT / "src" / "omslag"

    def exists(app, part):
        return (omslag / app / part).is_dir() or (omslag / app / f"{part}.py").exists()

    with_models = {a for a in APPS if a != "common" and exists(a, "models")}
    for contract in contracts():
        if not contract["name"].endswith("other apps' models"):
            continue
        app = contract["name"].split(":")[0]
        layers = ("management",) if app in {"seed", "demo"} else LAYERS
        expected = {f"omslag.{app}.{part}" for part in layers if exists(app, part)}
        assert set(contract["source_modules"]) == expected, app
        assert set(contract["forbidden_modules"]) == {
            f"omslag.{other}.models" for other in with_models - {app}
        }, app


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
        (
            "publication/management/commands/publish.py",
            "from omslag.projects.models import Project",
            "publication: views, API, forms and commands do not import other apps' models",
        ),
        (
            "accounts/views.py",
            "from omslag.audit.models import AuditEntry",
            "accounts: views, API, forms and commands do not import other apps' models",
        ),
        (
            "organisations/api.py",
            "from omslag.jobs.models import Job",
            "organisations: views, API, forms and commands do not import other apps' models",
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


# --- reading another app's models ----------------------------------------------------------

# The kinds of module that may read another app's models (docs/architecture.md, "Reading
# another app's models"): an app's own model layer (foreign keys, choices), its reads and
# writes, its rights, gate rules and registrations, its demo data, and its read-models (stored
# figures, dashboard tiles, publication snapshots), which aggregate or freeze other apps'
# tables. `seed` and `demo` stand above the apps and compose every app's records.
MODEL_READERS = frozenset(
    {
        "models",
        "migrations",
        "selectors",
        "services",
        "access",
        "gates",
        "registrations",
        "demo",
        "stored",
        "figures",
        "tiles",
        "snapshots",
    }
)
COMPOSING_APPS = frozenset({"seed", "demo"})


def _imported_modules(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, including imports inside functions, with
    the imported names as modules too (``from omslag.x import models``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def model_reads_outside_the_rule(src: Path) -> list[str]:
    """Every import of another app's models by a module whose kind may not read them."""
    omslag = src / "omslag"
    with_models = {
        p.parent.name for p in omslag.glob("*/apps.py") if (p.parent / "models.py").exists()
    }
    broken = []
    for path in sorted(omslag.glob("*/**/*.py")):
        parts = path.relative_to(omslag).with_suffix("").parts
        app, kind = parts[0], parts[1] if len(parts) > 1 else ""
        if app in COMPOSING_APPS or kind in MODEL_READERS:
            continue
        package = ".".join(("omslag", *parts[:-1]))
        for line, module in _imported_modules(path, package):
            names = module.split(".")
            if (
                len(names) >= 3
                and names[0] == "omslag"
                and names[1] in with_models
                and names[1] != app
                and names[2] == "models"
            ):
                broken.append(f"{path.relative_to(omslag)}:{line} imports {module}")
                break
    return broken


def test_only_the_allowed_kinds_of_module_read_another_apps_models():
    assert model_reads_outside_the_rule(ROOT / "src") == []


@pytest.mark.parametrize(
    ("module", "forbidden_import"),
    [
        ("accounts/oidc.py", "from omslag.organisations.models import Membership"),
        ("publication/presentation.py", "from omslag.projects import models"),
        ("portfolio/views/applications.py", "import omslag.innovation.models"),
        ("publication/views/manage.py", "from ...projects.models import Project"),
    ],
)
def test_a_model_read_outside_the_allowed_kinds_is_found(source_copy, module, forbidden_import):
    path = source_copy / "src" / "omslag" / module
    assert model_reads_outside_the_rule(source_copy / "src") == []
    path.write_text(path.read_text() + f"\n\ndef later():\n    {forbidden_import}  # noqa\n")
    found = model_reads_outside_the_rule(source_copy / "src")
    assert [entry.split(":")[0] for entry in found] == [module]


def test_a_model_read_in_an_allowed_kind_is_not_reported(source_copy):
    path = source_copy / "src" / "omslag" / "publication" / "snapshots.py"
    path.write_text(path.read_text() + "\nfrom omslag.projects.models import Project  # noqa\n")
    assert model_reads_outside_the_rule(source_copy / "src") == []
