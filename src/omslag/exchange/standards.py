"""Exports in an external standard's own shape (e.g. the Algorithm Register publication
standard), for one organisation or for every organisation the person may read. Apps register
theirs in ready(); ``omslag export KIND --standard NAME`` looks here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StandardExport:
    """``write(person, organisation_or_None, fmt)`` -> (bytes, number of records)."""

    kind: str
    standard: str
    label: str
    write: Callable[[Any, Any, str], tuple[bytes, int]]
    formats: tuple[str, ...] = ("json",)
    needs_organisation: bool = False


_exports: dict[tuple[str, str], StandardExport] = {}


def standard_export_register(spec: StandardExport) -> None:
    _exports[(spec.kind, spec.standard)] = spec


def standard_export(kind: str, standard: str) -> StandardExport | None:
    return _exports.get((kind, standard))


def standard_export_names() -> list[str]:
    return sorted(f"{kind} --standard {standard}" for kind, standard in _exports)
