"""Which kinds of record can be imported and exported; apps register theirs in ready()."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .importing import ImportSpec


@dataclass(frozen=True)
class ExportSpec:
    kind: str
    label: str
    columns: tuple[tuple[str, Callable[[Any], Any]], ...]
    rows: Callable[[Any, Any], Iterable[Any]]  # (person, organisation) -> records
    may_export: Callable[[Any, Any], bool]

    def headers(self) -> list[str]:
        return [name for name, _ in self.columns]

    def values(self, record) -> list[Any]:
        return [getter(record) for _, getter in self.columns]


_imports: dict[str, ImportSpec] = {}
_exports: dict[str, ExportSpec] = {}


def import_spec_register(spec: ImportSpec) -> None:
    _imports[spec.kind] = spec


def export_spec_register(spec: ExportSpec) -> None:
    _exports[spec.kind] = spec


def import_spec(kind: str) -> ImportSpec | None:
    return _imports.get(kind)


def export_spec(kind: str) -> ExportSpec | None:
    return _exports.get(kind)


def import_kinds() -> list[str]:
    return sorted(_imports)


def export_kinds() -> list[str]:
    return sorted(_exports)
