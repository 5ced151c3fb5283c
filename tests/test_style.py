"""The house style is checked in `make test`, so CI enforces it: `ruff check` (the rules in
pyproject.toml) and `ruff format --check` over the whole checkout, with the virtualenv's
ruff."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import skip_unless

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).with_name("ruff")


@pytest.mark.parametrize(
    "arguments", [["check", "."], ["format", "--check", "."]], ids=["check", "format"]
)
def test_the_code_keeps_the_house_style(arguments):
    skip_unless(RUFF.exists(), f"ruff is not installed next to {sys.executable}")
    result = subprocess.run(
        [str(RUFF), *arguments, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_style_fault_fails_the_check(tmp_path):
    """With the project's settings, an unused import fails `check` and a badly laid out line
    fails `format --check` (so the test above can fail)."""
    skip_unless(RUFF.exists(), f"ruff is not installed next to {sys.executable}")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "faulty.py").write_text("import os\nx = {'a':1}\n")
    results = [
        subprocess.run(
            [str(RUFF), *arguments, "--no-cache"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        for arguments in (["check", "."], ["format", "--check", "."])
    ]
    assert [r.returncode for r in results] == [1, 1]
    assert "F401" in results[0].stdout
    assert "faulty.py" in results[1].stdout
