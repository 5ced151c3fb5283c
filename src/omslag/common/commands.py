"""The language of the ``omslag`` command line, and the base class of omslag's commands.

Like the pages follow the browser's language, the command line follows the person's: the
``--language nl|en`` option of ``omslag`` (any command), else the POSIX locale variables in
their usual order of precedence (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``). A locale
that names neither Dutch nor English, or the plain ``C``/``POSIX`` locale, gives English, the
language of untranslated messages, as every gettext program does.
"""

import os
from collections.abc import Mapping

from django.core.management.base import BaseCommand
from django.utils import translation

LANGUAGES = ("nl", "en")
FALLBACK = "en"
# Set by ``omslag --language X`` for the command it runs.
CHOSEN = "OMSLAG_CLI_LANGUAGE"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language_of_locale(value: str) -> str | None:
    """'nl_NL.UTF-8' -> 'nl', 'en' -> 'en'; None for C, POSIX or another language."""
    code = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_").split("_", 1)[0].lower()
    return code if code in LANGUAGES else None


def command_language(environ: Mapping[str, str] | None = None) -> str:
    """The language for command-line messages, from ``--language`` or the locale."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(CHOSEN, "")
    if chosen in LANGUAGES:
        return chosen
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if not value:
            continue
        if name == "LANGUAGE":  # GNU: a colon-separated list of preferences
            for item in value.split(":"):
                found = language_of_locale(item)
                if found:
                    return found
            continue
        # The first of LC_ALL, LC_MESSAGES, LANG that is set decides.
        return language_of_locale(value) or FALLBACK
    return FALLBACK


def split_language_option(argv: list[str]) -> tuple[str | None, list[str]]:
    """Take ``--language X`` or ``--language=X`` out of ``argv``; ValueError when X is not a
    language the command line speaks or is missing."""
    rest: list[str] = []
    chosen = None
    index = 0
    while index < len(argv):
        argument = argv[index]
        if argument == "--language" or argument.startswith("--language="):
            if argument == "--language":
                if index + 1 >= len(argv):
                    raise ValueError("--language needs a value: nl or en")
                value = argv[index + 1]
                index += 2
            else:
                value = argument.split("=", 1)[1]
                index += 1
            if value not in LANGUAGES:
                raise ValueError(f"--language takes nl or en; got {value!r}")
            chosen = value
            continue
        rest.append(argument)
        index += 1
    return chosen, rest


class OmslagCommand(BaseCommand):
    """A management command whose messages are in the person's language."""

    def execute(self, *args, **options):
        with translation.override(command_language()):
            return super().execute(*args, **options)

    def note(self, message: str) -> None:
        """A message for the person on stderr (so stdout stays clean for data) that is not an
        error: Django styles stderr as an error, red on a terminal, which made "Wrote 24332
        row(s) to spend.csv." look like a failure."""
        self.stderr.write(message, style_func=lambda text: text)
