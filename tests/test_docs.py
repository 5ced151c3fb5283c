"""Documentation is tested like code: what a user can set or run must be documented."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "omslag"
README = (ROOT / "README.md").read_text()


def environment_variables() -> set[str]:
    names = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        names |= set(
            re.findall(r"""env(?:_bool|_int|_list)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", text)
        )
        names |= set(
            re.findall(r"""os\.environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]+)["']""", text)
        )
    return names - {"DJANGO_SETTINGS_MODULE"}


def test_every_environment_variable_is_in_the_readme_table():
    found = environment_variables()
    assert {"DATABASE_URL", "OMSLAG_SECRET_KEY", "OMSLAG_DEBUG"} <= found  # the scan works
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", README, re.MULTILINE))
    assert found - documented == set(), "add these to the README's configuration table"


def test_every_variable_of_the_test_suite_is_in_the_readme_table():
    conftest = (ROOT / "tests" / "conftest.py").read_text()
    found = set(
        re.findall(r"""os\.environ(?:\.get)?[\[(]\s*["'](OMSLAG_[A-Z0-9_]+)["']""", conftest)
    )
    assert {"OMSLAG_REQUIRE_ALL", "OMSLAG_SHARED_DATA", "OMSLAG_TEST_WORKERS"} <= found
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", README, re.MULTILINE))
    assert found - documented == set(), "add these to the README's configuration table"


def own_commands() -> set[str]:
    return {
        path.stem
        for path in SRC.glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }


@pytest.mark.parametrize("command", sorted(own_commands()))
def test_every_command_is_in_the_readme(command):
    assert f"`omslag {command}" in README, f"document `omslag {command}` in the README"


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_every_docs_link_points_to_a_file():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
