"""Bulk loading of generated rows: COPY FROM STDIN on PostgreSQL (psycopg 3), executemany in
chunks on SQLite; first history rows copied in the database; sequences moved past the ids."""

from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

SEED_REASON = "omslag seed"
SQLITE_CHUNK = 5000


def next_ids(*models_: type[models.Model]) -> dict[type[models.Model], int]:
    """The first free id of each model's table (ids are assigned by the seed, so rows can
    point at each other before they are written)."""
    return {
        model: (model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        for model in models_
    }


def _constant_values(model, given: Sequence[str]) -> tuple[list[str], list]:
    """Every concrete column not among ``given``, with its default as the database holds it."""
    names, values = [], []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.attname in given:
            continue
        if field.attname in ("created_at", "updated_at", "date_joined"):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif field.blank and isinstance(field, models.CharField | models.TextField):
            value = ""
        else:
            raise ValueError(f"{model._meta.label}.{field.attname} needs a value")
        names.append(field.attname)
        values.append(field.get_db_prep_save(value, connection))
    return names, values


def rows_write(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write ``rows`` (tuples in the order of ``columns``, attnames) into ``model``'s table;
    every other column gets its default. Returns the number of rows."""
    constant_names, constants = _constant_values(model, columns)
    fields = {f.attname: f for f in model._meta.concrete_fields}
    all_names = [*columns, *constant_names]
    quoted = ", ".join(connection.ops.quote_name(fields[n].column) for n in all_names)
    table = connection.ops.quote_name(model._meta.db_table)
    constants = tuple(constants)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *constants))
                    count += 1
            return count
        adapters = [
            connection.ops.adapt_datetimefield_value
            if isinstance(fields[n], models.DateTimeField)
            else None
            for n in columns
        ]
        timed = [i for i, adapter in enumerate(adapters) if adapter]
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(all_names))})"  # noqa: S608 (names from the models)
        chunk = []
        for row in rows:
            if timed:
                row = list(row)
                for i in timed:
                    row[i] = adapters[i](row[i])
            chunk.append((*row, *constants))
            if len(chunk) >= SQLITE_CHUNK:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def history_copy(model, first_id: int, last_id: int) -> None:
    """The first history row ("created", with the seed as the reason) of every record of
    ``model`` with an id in [first_id, last_id], copied in the database by one statement."""
    history_model = model.history.model
    source = {f.attname: f.column for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    targets, selects, params = [], [], []
    for field in history_model._meta.concrete_fields:
        if field.name == "history_id":
            continue
        constant = {
            "history_date": timezone.now(),
            "history_change_reason": SEED_REASON,
            "history_type": "+",
            "history_user": None,
        }
        if field.name in constant:
            targets.append(field.column)
            selects.append("%s")
            params.append(field.get_db_prep_save(constant[field.name], connection))
        elif field.attname in source:
            targets.append(field.column)
            selects.append(quote(source[field.attname]))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(map(quote, targets))}) "  # noqa: S608 (names from the models, values as parameters)
            f"SELECT {', '.join(selects)} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} BETWEEN %s AND %s",
            [*params, first_id, last_id],
        )


def sequences_reset(*models_: type[models.Model]) -> None:
    """Move PostgreSQL's id sequences past the ids the seed chose (SQLite follows by itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            column = model._meta.pk.column
            top = (
                f"SELECT MAX({connection.ops.quote_name(column)}) "  # noqa: S608 (names from the models)
                f"FROM {connection.ops.quote_name(table)}"
            )
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(({top}), 1))",
                [table, column],
            )
