"""The command line speaks the person's language: ``--language nl|en``, else the locale
(LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else English like any gettext program."""

import pytest
from django.core.management import CommandError, call_command

from omslag.common.commands import CHOSEN, command_language, split_language_option
from tests.test_cli_and_settings import run_omslag

GOOD = "slug,name,kind,parent\nafdeling-a,Afdeling A,other,\n"


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LC_MESSAGES": "nl_BE", "LANG": "en_US"}, "nl"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),  # the first set decides
        ({"LANGUAGE": "fr:nl:en", "LANG": "en_US.UTF-8"}, "nl"),  # GNU preference list
        ({CHOSEN: "nl", "LANG": "en_US.UTF-8"}, "nl"),  # --language wins
    ],
)
def test_the_language_follows_the_option_then_the_locale(environ, language):
    assert command_language(environ) == language


def test_the_language_option_is_taken_out_of_the_command_line():
    assert split_language_option(["omslag", "--language", "nl", "check"]) == (
        "nl",
        ["omslag", "check"],
    )
    assert split_language_option(["omslag", "check", "--language=en"]) == (
        "en",
        ["omslag", "check"],
    )
    assert split_language_option(["omslag", "check"]) == (None, ["omslag", "check"])
    with pytest.raises(ValueError, match="--language takes nl or en; got 'de'"):
        split_language_option(["omslag", "--language", "de", "check"])
    with pytest.raises(ValueError, match="needs a value"):
        split_language_option(["omslag", "check", "--language"])


@pytest.fixture
def locale(monkeypatch):
    """Set the locale of the command (the test run forces English: take that away)."""
    monkeypatch.delenv(CHOSEN, raising=False)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    return lambda value: monkeypatch.setenv("LANG", value)


def test_an_import_reports_in_dutch_under_a_dutch_locale(tree, tmp_path, capsys, locale):
    ministry, *_ = tree
    path = tmp_path / "orgs.csv"
    path.write_text(GOOD)
    locale("nl_NL.UTF-8")
    call_command("import", "organisations", str(path), "--org", ministry.slug, "--dry-run")
    assert "Zou 1 rij(en) importeren: 1 nieuw, 0 bijgewerkt" in capsys.readouterr().out

    locale("en_GB.UTF-8")
    call_command("import", "organisations", str(path), "--org", ministry.slug, "--dry-run")
    assert "Would import 1 row(s): 1 created, 0 updated" in capsys.readouterr().out


def test_row_problems_and_errors_are_in_the_language_too(tree, tmp_path, capsys, locale):
    ministry, *_ = tree
    path = tmp_path / "orgs.csv"
    path.write_text("slug,name,kind\nx,X,spaceship\n")
    locale("nl_NL.UTF-8")
    with pytest.raises(CommandError, match="1 probleem/problemen; er is niets opgeslagen"):
        call_command("import", "organisations", str(path), "--org", ministry.slug)
    assert "rij 2, kolom kind (waarde 'spaceship')" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Onbekende organisatie 'nergens'"):
        call_command("export", "organisations", "--org", "nergens")


def test_the_omslag_command_follows_lang_and_the_language_option(tmp_path):
    env = {"OMSLAG_DATA_DIR": str(tmp_path), "LANG": "nl_NL.UTF-8"}
    drop = (CHOSEN, "LANGUAGE", "LC_ALL", "LC_MESSAGES")
    dutch = run_omslag("check", env_extra=env, drop=drop)
    assert dutch.returncode == 1 and "migratie(s) niet uitgevoerd" in dutch.stderr
    english = run_omslag("--language", "en", "check", env_extra=env, drop=drop)
    assert english.returncode == 1 and "migration(s) not applied" in english.stderr
    wrong = run_omslag("check", "--language", "de", env_extra=env, drop=drop)
    assert wrong.returncode == 2 and "--language takes nl or en" in wrong.stderr
