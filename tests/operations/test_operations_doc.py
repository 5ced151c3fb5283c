"""docs/operations.md names every environment variable the settings read, and its systemd
units are well-formed."""

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import skip_unless

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "omslag"
OPERATIONS = (ROOT / "docs" / "operations.md").read_text()

# env("X"), env_bool("X"), env_int("X"), env_float("X"), env_list("X"),
# os.environ.get("X"), os.environ["X"]
READ = re.compile(
    r"""(?:env(?:_bool|_int|_float|_list)?\(|os\.environ(?:\.get)?[\[(])\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def names_read(*paths: Path) -> set[str]:
    return {name for path in paths for name in READ.findall(path.read_text())}


def documented() -> set[str]:
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", OPERATIONS, re.MULTILINE))


def test_every_variable_of_the_settings_and_the_server_is_documented():
    read = names_read(
        SRC / "settings.py",
        SRC / "gunicorn_conf.py",
        SRC / "common" / "management" / "commands" / "serve.py",
    ) - {"DJANGO_SETTINGS_MODULE"}
    assert {"OMSLAG_SECRET_KEY", "OMSLAG_EMAIL_BACKEND", "OMSLAG_LOG_FORMAT"} <= read
    assert read - documented() == set(), "add these to docs/operations.md, section 5"


def test_the_table_names_no_variable_that_is_not_read():
    read = {name for path in SRC.rglob("*.py") for name in READ.findall(path.read_text())}
    # The number of test workers, read by the test suite's conftest (`make test`).
    read |= names_read(ROOT / "tests" / "conftest.py")
    assert "OMSLAG_TEST_WORKERS" in read
    assert documented() - read == set()


def test_the_systemd_units_are_well_formed():
    units = re.findall(r"```ini\n(.*?)```", OPERATIONS, re.DOTALL)
    assert len(units) >= 4
    for text in units:
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str  # systemd keys are case-sensitive
        unit.read_string(text)
        assert "Unit" in unit and "Description" in unit["Unit"]
        if "Service" in unit:
            service = unit["Service"]
            assert service["Type"] in {"simple", "oneshot", "notify", "exec"}
            command = service["ExecStart"].split()[0]
            assert command.startswith("/"), "systemd needs an absolute ExecStart"
            assert "omslag" in service["ExecStart"]
            assert service["User"] == "omslag"
            assert service["EnvironmentFile"] == "/etc/omslag/omslag.env"
        else:
            assert "Timer" in unit and "OnCalendar" in unit["Timer"]


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    skip_unless(analyze is not None, "systemd-analyze (systemd) is not installed")
    names = ["omslag-web.service", "omslag-worker.service", "omslag-backup.service"]
    names += ["omslag-backup.timer", "omslag-notify.service", "omslag-notify.timer"]
    units = re.findall(r"```ini\n(.*?)```", OPERATIONS, re.DOTALL)
    assert len(units) == len(names)
    omslag = str(Path(sys.executable).with_name("omslag"))  # exists here, unlike /opt/omslag
    for name, text in zip(names, units, strict=True):
        (tmp_path / name).write_text(text.replace("/opt/omslag/bin/omslag", omslag))
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in names)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Unknown keys and bad values are only warned about, so any output is a failure.
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stderr


def _int_defaults() -> dict[str, int]:
    """Each `env_int("NAME", <number or product of numbers>)` of the settings, evaluated here."""
    import ast

    def value(node: ast.expr) -> int | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            left, right = value(node.left), value(node.right)
            return None if left is None or right is None else left * right
        return None

    defaults = {}
    for node in ast.walk(ast.parse((SRC / "settings.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "env_int":
            name, default = node.args
            if (number := value(default)) is not None:
                defaults[name.value] = number
    return defaults


def test_the_tables_give_the_defaults_the_settings_use():
    """The operator's tables (docs/operations.md, README.md) give each whole-number default
    the settings really use: operations.md once said 20 MB for the largest import file while
    the settings took 500 MB."""
    defaults = _int_defaults()
    assert defaults["OMSLAG_IMPORT_MAX_BYTES"] == 500 * 1024 * 1024
    assert defaults["OMSLAG_EXPORT_INLINE_ROWS"] == 5000
    readme = (ROOT / "README.md").read_text()
    wrong = []
    for doc_name, text in (("docs/operations.md", OPERATIONS), ("README.md", readme)):
        rows = re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \| `(\d+)`", text, re.MULTILINE)
        assert rows, doc_name
        for name, documented_default in rows:
            if name in defaults and int(documented_default) != defaults[name]:
                wrong.append((doc_name, name, documented_default, defaults[name]))
    assert wrong == []
