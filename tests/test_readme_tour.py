"""The README's tour, run as printed in a fresh checkout after the demo was prepared.

The checkout is a copy of the files git knows (tracked, and new files not ignored) in a
temporary folder, with the shared data next to it as ``../shared`` and this run's virtualenv as
its ``.venv`` (the copy's own ``src`` comes first on the path, so the copy's code runs). The
demo is prepared the way ``make run`` does it, without serving; then every
``.venv/bin/omslag …`` command of the tour runs from the checkout, without OMSLAG_SECRET_KEY,
DATABASE_URL or any other variable, and must succeed without a traceback.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, skip_unless

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# The interpreter's folder is the venv's bin, also when the venv's python is a symlink.
VENV = Path(sys.executable).parent.parent


def tour_commands(readme: str) -> list[str]:
    """Every `.venv/bin/omslag …` of the README's tour, in order, as one line each: from code
    blocks, and from inline code that may wrap over lines."""
    section = readme.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    commands = []
    for match in re.finditer(r"```sh\n(.*?)```|`(\.venv/bin/omslag[^`]*)`", section, re.DOTALL):
        if match.group(1) is not None:
            lines = [line.strip() for line in match.group(1).splitlines()]
            commands += [line for line in lines if line.startswith(".venv/bin/omslag ")]
        else:
            commands.append(" ".join(match.group(2).split()))
    return commands


def test_the_tour_commands_are_found():
    commands = tour_commands(README.read_text())
    kinds = [shlex.split(command)[1] for command in commands]
    assert {"check", "import", "export", "forecast"} <= set(kinds), commands
    assert any("canada-snapshot" in command for command in commands)
    assert any("dpia-form-v2" in command for command in commands)


def checkout_copy(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted in the working tree is not in the checkout
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def tour_environment(checkout: Path) -> dict[str, str]:
    """A newcomer's shell: none of omslag's variables, and no Django settings module."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OMSLAG_", "DJANGO_", "PYTEST_")) and name != "DATABASE_URL"
    }
    environment["PYTHONPATH"] = str(checkout / "src")
    return environment


def run(command: str, checkout: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        shlex.split(command),
        cwd=checkout,
        env=tour_environment(checkout),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.timeout(1200)
def test_every_tour_command_works_as_printed_after_make_run(tmp_path):
    skip_unless(SHARED_DATA.is_dir(), f"the shared data the tour imports is not at {SHARED_DATA}")
    skip_unless(shutil.which("git") is not None and shutil.which("make") is not None, "git, make")
    checkout = tmp_path / "omslag"
    checkout.mkdir()
    checkout_copy(checkout)
    (tmp_path / "shared").symlink_to(SHARED_DATA.parent)  # ../shared/data from the checkout
    (checkout / ".venv").symlink_to(VENV)

    # What `make run` runs, with --no-serve so that it returns instead of serving.
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],  # also when run from `make test`
        cwd=checkout,
        env=tour_environment(checkout),
        capture_output=True,
        text=True,
        check=True,
    )
    assert dry.stdout.strip().splitlines()[-1] == ".venv/bin/omslag demo", dry.stdout
    prepared = run(".venv/bin/omslag demo --no-serve", checkout)
    assert prepared.returncode == 0, prepared.stderr
    assert (checkout / "var" / "omslag.sqlite3").is_file()

    commands = tour_commands((checkout / "README.md").read_text())
    assert len(commands) >= 7, commands
    for command in commands:
        result = run(command, checkout)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, f"{command}\n{result.stderr}"
        if command.split()[1:2] == ["forecast"]:
            # With the tour's exchange rate the Canadian projects count in the portfolio's
            # forecast; without it the portfolio was null, which the tour did not explain.
            forecast = json.loads(result.stdout)
            assert forecast["unconvertedCurrencies"] == [], forecast["unconvertedCurrencies"]
            assert forecast["portfolio"]["p80"] > forecast["portfolio"]["totalEstimate"] > 0
        if command.split()[1:2] == ["check"]:
            assert "omslag is healthy" in result.stdout, result.stdout
            assert "Secret key: from " + str(checkout / "var" / "secret_key") in result.stdout
    # What the commands wrote is where the README says, in the checkout.
    assert (checkout / "spend.csv").stat().st_size > 0
    assert (checkout / "balance.xlsx").read_bytes()[:2] == b"PK"  # an XLSX is a zip file
