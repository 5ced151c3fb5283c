"""Messages that are not errors (e.g. "Wrote N row(s) to FILE.") go to stderr, so that stdout
stays clean for data, but without Django's error style: on a terminal that style is red."""

import io

from django.core.management import call_command

from omslag.exchange.management.commands.export import Command as ExportCommand
from tests.factories import organisation


class Terminal(io.StringIO):
    """Standard error as a terminal: Django colours only what goes to one."""

    def isatty(self) -> bool:
        return True


RED = "\x1b[31"


def test_a_written_export_is_reported_without_the_error_colour(db, tmp_path):
    organisation("gemeente-kleur")
    terminal = Terminal()
    command = ExportCommand(stderr=terminal, force_color=True)
    assert RED in command.style.ERROR("x")  # colours are on: an error would be red
    target = tmp_path / "spend.csv"
    call_command(command, "spend", "--org", "gemeente-kleur", "-o", str(target))
    written = terminal.getvalue()
    assert f"to {target}." in written
    assert RED not in written and "\x1b[" not in written
    assert target.exists()
