"""Record history: which models keep it, how to read it, how to restore a version.

Each app registers its tracked models with the functions that decide access, so the generic
history page and API never decide permissions themselves.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .errors import RuleViolation

# Fields that change on every save and say nothing to a reader.
_HIDDEN_FIELDS = {"updated_at", "version", "path", "created_at"}


@dataclass(frozen=True)
class TrackedModel:
    key: str  # used in URLs: /history/<key>/<pk>
    model: type[models.Model]
    get_readable: Callable[[Any, Any], models.Model]  # (person, pk) -> record or Http404
    can_restore: Callable[[Any, models.Model], bool]
    restore: Callable[..., models.Model]  # (actor=, record=, historical=) -> record
    label: Callable[[models.Model], str] = str


_registry: dict[str, TrackedModel] = {}


def history_register(tracked: TrackedModel) -> None:
    _registry[tracked.key] = tracked


def history_tracked(key: str) -> TrackedModel | None:
    return _registry.get(key)


def history_key_for(record: models.Model) -> str | None:
    for tracked in _registry.values():
        if isinstance(record, tracked.model):
            return tracked.key
    return None


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    id: int
    date: Any
    user: Any
    kind: str  # created, changed, deleted
    reason: str
    changes: list[FieldChange]


def _display(record, field: models.Field, value) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _field_changes(model, new, old) -> list[FieldChange]:
    changes = []
    for field in model._meta.concrete_fields:
        if field.name in _HIDDEN_FIELDS or field.primary_key:
            continue
        attname = field.attname
        if not hasattr(new, attname):
            continue
        new_value = getattr(new, attname)
        old_value = getattr(old, attname) if old is not None else None
        if old is not None and new_value == old_value:
            continue
        if old is None and new_value in (None, ""):
            continue
        changes.append(
            FieldChange(
                field=field.name,
                label=str(field.verbose_name),
                old=_display(old, field, old_value) if old is not None else "",
                new=_display(new, field, new_value),
            )
        )
    return changes


def history_entries(record: models.Model) -> list[HistoryEntry]:
    """The record's history, newest first, each entry with its field changes."""
    historicals = list(record.history.select_related("history_user").order_by("-history_id"))
    model = type(record)
    entries = []
    for index, historical in enumerate(historicals):
        previous = historicals[index + 1] if index + 1 < len(historicals) else None
        kind = {"+": "created", "~": "changed", "-": "removed"}[historical.history_type]
        if previous is not None and historical.deleted_at and not previous.deleted_at:
            kind = "deleted"
        elif previous is not None and previous.deleted_at and not historical.deleted_at:
            kind = "undeleted"
        entries.append(
            HistoryEntry(
                id=historical.history_id,
                date=historical.history_date,
                user=historical.history_user,
                kind=kind,
                reason=historical.history_change_reason or "",
                changes=_field_changes(model, historical, previous),
            )
        )
    return entries


def historical_values(record: models.Model, history_id: int) -> dict[str, Any]:
    """The stored field values of one version of ``record``, by attribute name."""
    historical = record.history.filter(history_id=history_id).first()
    if historical is None:
        raise RuleViolation(
            _("Version %(id)s does not belong to this record.") % {"id": history_id}
        )
    values = {}
    for field in type(record)._meta.concrete_fields:
        if field.primary_key or field.name in {"created_at", "updated_at", "version"}:
            continue
        if not hasattr(historical, field.attname):  # a field the history does not keep
            continue
        values[field.attname] = getattr(historical, field.attname)
    return values


def restore_fields(*, actor, record, history_id: int, fields: tuple[str, ...]):
    """Put back ``fields`` (and the deleted state) of an earlier version, as a new version."""
    from django.core.exceptions import ValidationError

    from .locking import version_claim

    values = historical_values(record, history_id)
    with transaction.atomic():
        version_claim(record, record.version)
        for name in (*fields, "deleted_at"):
            attname = record._meta.get_field(name).attname
            setattr(record, attname, values[attname])
        try:
            save_with_history(record, actor=actor, reason=_("restored an earlier version"))
        except ValidationError as exc:
            raise RuleViolation("; ".join(exc.messages)) from None
    return record


def save_with_history(record: models.Model, *, actor, reason: str = "") -> None:
    """full_clean() and save, recording who and why in the record's history."""
    record.full_clean()
    record._history_user = actor
    record._change_reason = reason
    with transaction.atomic():
        record.save()


def bulk_create_with_history_sql(model, objects, *, actor=None, reason: str = "", batch_size=5000):
    """Insert ``objects`` and their first history rows for large imports.

    django-simple-history's own bulk helper builds a Python history object per row, which
    dominates the time of an import of 100,000 lines. Here the rows are inserted with
    bulk_create and their history rows are copied in the database with one INSERT … SELECT
    per batch: the same rows, written in a fraction of the time.
    """
    from django.db import connection
    from django.utils import timezone

    history_model = model.history.model
    source_columns = {f.attname: f.column for f in model._meta.concrete_fields}
    targets, selects, params = [], [], []
    now = timezone.now()
    for field in history_model._meta.concrete_fields:
        if field.name == "history_id":
            continue
        if field.name == "history_date":
            targets.append(field.column)
            selects.append("%s")
            params.append(now)
        elif field.name == "history_change_reason":
            targets.append(field.column)
            selects.append("%s")
            params.append(reason or None)
        elif field.name == "history_type":
            targets.append(field.column)
            selects.append("%s")
            params.append("+")
        elif field.name == "history_user":
            targets.append(field.column)
            selects.append("%s")
            params.append(getattr(actor, "pk", None))
        elif field.attname in source_columns:
            targets.append(field.column)
            selects.append(connection.ops.quote_name(source_columns[field.attname]))
    created = model.objects.bulk_create(objects, batch_size=batch_size)
    quoted_targets = ", ".join(connection.ops.quote_name(c) for c in targets)
    with connection.cursor() as cursor:
        for start in range(0, len(created), batch_size):
            ids = [obj.pk for obj in created[start : start + batch_size]]
            placeholders = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(history_model._meta.db_table)} "  # noqa: S608 (names from the models, values as parameters)
                f"({quoted_targets}) SELECT {', '.join(selects)} "
                f"FROM {connection.ops.quote_name(model._meta.db_table)} "
                f"WHERE {connection.ops.quote_name(model._meta.pk.column)} IN ({placeholders})",
                [*params, *ids],
            )
    return created


def insert_with_history(
    model, rows: list[dict], *, actor=None, reason: str = "", created_at=None
) -> int:
    """Insert new records given as dicts (attname → value; every other column gets its
    default, the timestamps ``created_at`` or now) with their first history rows, for large
    imports. On PostgreSQL the records and their history rows are written with COPY FROM
    STDIN (psycopg 3), their ids taken from the table's sequence first, so no model instance
    is built and no row is adapted by the ORM; elsewhere bulk_create_with_history_sql.
    The values must be checked already (the model's validators): COPY does no cleaning.
    Returns the number of records."""
    from django.db import connection

    if not rows:
        return 0
    now = created_at or timezone.now()
    if connection.vendor != "postgresql":
        objects = [model(created_at=now, **row) for row in rows]
        bulk_create_with_history_sql(model, objects, actor=actor, reason=reason)
        return len(objects)
    given = list(rows[0])
    pk = model._meta.pk
    constants: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field is pk or field.attname in given:
            continue
        if isinstance(field, models.DateTimeField) and (
            field.auto_now or field.auto_now_add or field.attname == "created_at"
        ):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            raise ValueError(f"{model._meta.label}.{field.attname} needs a value")
        constants[field.attname] = field.get_db_prep_save(value, connection)
    columns = {f.attname: f.column for f in model._meta.concrete_fields}
    names = [pk.attname, *given, *constants]
    constant_values = tuple(constants.values())
    # The history row holds the record's own columns (by attname) and four of its own.
    history_model = model.history.model
    own = {
        "history_date": now,
        "history_change_reason": reason or None,
        "history_type": "+",
        "history_user_id": getattr(actor, "pk", None),
    }
    history_names, picks = [], []
    position = {name: index for index, name in enumerate(names)}
    for field in history_model._meta.concrete_fields:
        if field.attname == "history_id":
            continue
        if field.attname in own:
            history_names.append(field.column)
            picks.append(("own", own[field.attname]))
        elif field.attname in position:
            history_names.append(field.column)
            picks.append(("row", position[field.attname]))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor
        main_columns = ", ".join(quote(columns[name]) for name in names)
        with raw.copy(f"COPY {table} ({main_columns}) FROM STDIN") as copy:
            for record_id, row in zip(ids, rows, strict=True):
                copy.write_row((record_id, *[row[name] for name in given], *constant_values))
        history_columns = ", ".join(quote(c) for c in history_names)
        history_table = quote(history_model._meta.db_table)
        with raw.copy(f"COPY {history_table} ({history_columns}) FROM STDIN") as copy:
            for record_id, row in zip(ids, rows, strict=True):
                values = (record_id, *[row[name] for name in given], *constant_values)
                copy.write_row(
                    tuple(value if kind == "own" else values[value] for kind, value in picks)
                )
    return len(rows)
