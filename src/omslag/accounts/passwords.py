"""A password validator against the weak-password list shipped with omslag
(``accounts/data/weak_passwords.txt``): no network call, the list is read once."""

import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEAK_PASSWORDS_FILE = Path(__file__).parent / "data" / "weak_passwords.txt"
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_AROUND = re.compile(r"^[^a-z]+|[^a-z]+$")


@cache
def weak_words(path: Path = WEAK_PASSWORDS_FILE) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_core(password: str) -> str:
    """What is left of a password without the digits and signs around it, in lower case,
    with the usual letter-for-digit swaps undone: ``W3lkom2026!`` → ``welkom``."""
    text = _AROUND.sub("", password.lower())
    return re.sub(r"[\s._-]+", "", text.translate(_LEET))


def _is_weak(core: str, words: frozenset[str]) -> bool:
    if core in words:
        return True
    # The same word twice or more ("welkomwelkom"), or two listed words ("zomerwelkom").
    for cut in range(1, len(core)):
        head, tail = core[:cut], core[cut:]
        if head in words and (tail in words or tail == head * (len(tail) // len(head))):
            return True
    return False


class WeakPasswordValidator:
    """Refuses a password built from a word on the shipped list, however decorated."""

    def validate(self, password, user=None):
        if _is_weak(password_core(password), weak_words()):
            raise ValidationError(
                _(
                    "This password is built from a word that is on the list of easily "
                    "guessed passwords. Choose a longer sentence of unrelated words."
                ),
                code="password_weak",
            )

    def get_help_text(self):
        return _("Your password cannot be built from an easily guessed word such as 'Welkom2026!'.")
