"""Password rules: Django's validators plus the weak-password list shipped in the package,
applied wherever a password is set (reset, invitation, the command line)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from omslag.accounts.passwords import WEAK_PASSWORDS_FILE, password_core, weak_words

from ..factories import PersonFactory


@pytest.mark.parametrize(
    "password",
    [
        "Welkom2026!!!",  # a listed word with a year and signs
        "W3lk0m-2026!!",  # the same with digits for letters
        "wachtwoord123",
        "Zomer.2025.!!",
        "welkomwelkom1",  # a word twice
        "zomerwinter24",  # two listed words
        "123Gemeente!!",  # the organisation's kind
    ],
)
def test_passwords_built_from_a_listed_word_are_refused(password, db):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "password_weak" in [error.code for error in refused.value.error_list]


@pytest.mark.parametrize(
    "password", ["paarse olifant fietst traag", "Kw8#zP2!vLq9xT", "stoomtrein-boterham-42"]
)
def test_unrelated_words_and_random_passwords_pass(password, db):
    validate_password(password, PersonFactory(email="iemand@omslag.test"))


def test_django_s_own_rules_still_hold(db):
    with pytest.raises(ValidationError) as refused:
        validate_password("kort1!")
    assert "password_too_short" in [error.code for error in refused.value.error_list]


def test_the_list_is_a_file_in_the_package():
    assert WEAK_PASSWORDS_FILE.is_file()
    listed = {
        line for line in WEAK_PASSWORDS_FILE.read_text().splitlines() if line and line[0] != "#"
    }
    assert {"wachtwoord", "welkom", "zomer"} <= listed == set(weak_words())
    assert password_core("W3lk0m-2026!!") == "welkom"


def test_the_command_line_refuses_a_weak_password(db, monkeypatch):
    person = PersonFactory(email="cli@omslag.test")
    # Both prompts get the same weak password every time, so only a validator can refuse it.
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Welkom2026!!!")
    with pytest.raises(CommandError, match="attempts"):
        call_command("changepassword", "cli@omslag.test")
    person.refresh_from_db()
    assert not person.check_password("Welkom2026!!!")
