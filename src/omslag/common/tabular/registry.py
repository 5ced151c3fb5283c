"""Which kinds of record can be imported and exported; apps register theirs in ready()."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .importing import ImportSpec


@dataclass(frozen=True)
class ExportSpec:
    """What one kind of record looks like in an export. ``rows(person, organisation)`` gives
    the records; ``options`` (from the command line or the API, e.g. a reference class) reach
    specs that declare ``rows_with_options`` and ``extra_columns``."""

    kind: str
    label: str
    columns: tuple[tuple[str, Callable[[Any], Any]], ...]
    rows: Callable[[Any, Any], Iterable[Any]]  # (person, organisation) -> records
    may_export: Callable[[Any, Any], bool]
    rows_with_options: Callable[..., Iterable[Any]] | None = None
    extra_columns: Callable[[dict], tuple[tuple[str, Callable[[Any], Any]], ...]] | None = None
    # Called with each fetch of records (a list, a few thousand at most) before their values
    # are read: one query per fetch for what the records need besides their own row (e.g. the
    # names an application depends on), instead of one per record or one for the register.
    prepare_fetch: Callable[[list[Any]], None] | None = None

    def all_columns(self, options: dict | None = None):
        extra = self.extra_columns(options or {}) if self.extra_columns else ()
        return (*self.columns, *extra)

    def headers(self, options: dict | None = None) -> list[str]:
        return [name for name, _ in self.all_columns(options)]

    def values(self, record, options: dict | None = None) -> list[Any]:
        return [getter(record) for _, getter in self.all_columns(options)]

    def records(self, person, organisation, options: dict | None = None) -> Iterable[Any]:
        if options and self.rows_with_options:
            return self.rows_with_options(person, organisation, options)
        return self.rows(person, organisation)


DEFAULT_FORMAT = "table"
_imports: dict[tuple[str, str], ImportSpec] = {}
_exports: dict[str, ExportSpec] = {}


def import_spec_register(spec: ImportSpec) -> None:
    _imports[(spec.kind, getattr(spec, "format", DEFAULT_FORMAT))] = spec


def export_spec_register(spec: ExportSpec) -> None:
    _exports[spec.kind] = spec


def import_spec(kind: str, fmt: str = DEFAULT_FORMAT) -> ImportSpec | None:
    return _imports.get((kind, fmt or DEFAULT_FORMAT))


def import_formats(kind: str) -> list[str]:
    return sorted(fmt for k, fmt in _imports if k == kind)


def export_spec(kind: str) -> ExportSpec | None:
    return _exports.get(kind)


def import_kinds() -> list[str]:
    return sorted({kind for kind, _fmt in _imports})


def export_kinds() -> list[str]:
    return sorted(_exports)


@dataclass(frozen=True)
class TargetedImport:
    """An import into one record rather than an organisation (e.g. measurements of one
    experiment): ``target_option`` names the command-line option that picks the record."""

    kind: str
    target_option: str
    run: Callable[..., str]  # (target_id, stream, filename, actor, dry_run, progress) -> summary


_targeted: dict[str, TargetedImport] = {}


def targeted_import_register(spec: TargetedImport) -> None:
    _targeted[spec.kind] = spec


def targeted_import(kind: str) -> TargetedImport | None:
    return _targeted.get(kind)


def targeted_kinds() -> list[str]:
    return sorted(_targeted)


@dataclass(frozen=True)
class DocumentImport:
    """An import of a whole document that belongs to no organisation or record (e.g. an
    assessment template): ``run(stream, filename, actor, dry_run, fmt)`` returns a summary."""

    kind: str
    formats: tuple[str, ...]
    run: Callable[..., str]
    directory: bool = False  # the argument is a directory; run gets its Path, not a stream


@dataclass(frozen=True)
class DocumentExport:
    """An export that belongs to no organisation: ``run(fmt)`` returns the bytes."""

    kind: str
    formats: tuple[str, ...]
    run: Callable[[str], bytes]


_document_imports: dict[str, DocumentImport] = {}
_document_exports: dict[str, DocumentExport] = {}


def document_import_register(spec: DocumentImport) -> None:
    _document_imports[spec.kind] = spec


def document_import(kind: str) -> DocumentImport | None:
    return _document_imports.get(kind)


def document_export_register(spec: DocumentExport) -> None:
    _document_exports[spec.kind] = spec


def document_export(kind: str) -> DocumentExport | None:
    return _document_exports.get(kind)


def document_kinds() -> list[str]:
    return sorted({*_document_imports, *_document_exports})
