"""Options an export kind takes besides the organisation and the format (the projects export:
a reference class), registered by the app that owns the kind, so that exchange names no app."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExportOption:
    """``key`` names the option in what the export spec receives. ``by_id`` (the API's query
    parameter) and ``by_name`` (the command line) find its value for an organisation, or raise
    RuleViolation saying why not."""

    kind: str
    key: str
    by_id: Callable[[Any, int], Any]
    by_name: Callable[[Any, str], Any]


_OPTIONS: dict[tuple[str, str], ExportOption] = {}


def export_option_register(option: ExportOption) -> None:
    _OPTIONS[(option.kind, option.key)] = option


def export_option(kind: str, key: str) -> ExportOption | None:
    return _OPTIONS.get((kind, key))


# Exports that write a folder of files rather than one register (``omslag export open``):
# ``write(organisation, fmt, directory, base_url) -> [paths written]``, registered by the app
# that owns them.
_FOLDER_EXPORTS: dict[str, Callable[[Any, str, Any, str], list[Any]]] = {}


def folder_export_register(kind: str, write: Callable[[Any, str, Any, str], list[Any]]) -> None:
    _FOLDER_EXPORTS[kind] = write


def folder_export(kind: str) -> Callable[[Any, str, Any, str], list[Any]] | None:
    return _FOLDER_EXPORTS.get(kind)
