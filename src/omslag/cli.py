"""The ``omslag`` command: Django's management commands with omslag's settings.

``omslag demo`` switches on demo mode before the settings load, so it needs no configuration.
``--language nl|en`` (anywhere on the line) chooses the language of the messages; without it
they follow the locale (``LANG`` and friends, see ``omslag.common.commands``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    from omslag.common.commands import CHOSEN, split_language_option

    try:
        language, argv = split_language_option(argv)
    except ValueError as error:
        sys.stderr.write(f"omslag: {error}\n")
        sys.exit(2)
    if language:
        os.environ[CHOSEN] = language
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omslag.settings")
    if len(argv) > 1 and argv[1] == "demo":
        os.environ["OMSLAG_DEMO"] = "1"
        os.environ.setdefault("OMSLAG_DEBUG", "0")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv[0] = "omslag"
    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        sys.stderr.write(f"omslag: configuration problem: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
