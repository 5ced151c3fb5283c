"""A saved conversion of another system's register into one of omslag's import kinds: small,
declarative (plain JSON, so it can be edited on the web, sent through the API and kept in a
file), and applied before the import's own checks.

Per file column a rule says where it goes (an omslag column, or nowhere) and how its text
becomes omslag's canonical text: amounts with their decimal and thousands separators and a
multiplier (a register in thousands or millions), dates in a given format or ISO 8601
(date-times with a time zone become the date in the conversion's time zone), a value map
(status words to omslag's codes) and what a blank becomes. Per file: the currency of its
amounts. Optionally one row becomes several records (a project register with the baseline and
the current figures on one row becomes two reports), each record naming which converted column
fills which omslag column, plus fixed values.

The output is canonical text ("1234567.89", "2026-03-31"), so the import kind parses and
checks it exactly as it would a file in omslag's own format: one set of rules, not two.
Problems name the file's row and the file's column.
"""

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from .formats import Table
from .importing import RowProblem, excerpt

ISO8601 = "iso8601"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# strptime directives a date format may use (no locale-dependent names beyond %b/%B in English)
_DATE_DIRECTIVES = re.compile(r"%[dmyYbBHMSzjf%]")

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["columns"],
    "properties": {
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "timezone": {"type": "string", "minLength": 1, "maxLength": 64},
        "columns": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 500,
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "to": {"type": ["string", "null"], "maxLength": 100},
                    "multiply": {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"},
                    "decimal": {"enum": [".", ","]},
                    "thousands": {"enum": ["", ".", ",", " ", "'", "\u00a0", "\u202f"]},
                    "date": {"type": "string", "minLength": 2, "maxLength": 40},
                    "values": {
                        "type": "object",
                        "maxProperties": 200,
                        "additionalProperties": {"type": "string", "maxLength": 200},
                    },
                    "blank": {"type": ["string", "null"], "maxLength": 200},
                },
            },
        },
        "records": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["fields"],
                "properties": {
                    "name": {"type": "string", "maxLength": 100},
                    "fields": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"type": "string", "maxLength": 100},
                    },
                    "fixed": {
                        "type": "object",
                        "additionalProperties": {"type": "string", "maxLength": 200},
                    },
                    "skip_when_blank": {
                        "type": "array",
                        "items": {"type": "string", "maxLength": 100},
                        "maxItems": 50,
                    },
                },
            },
        },
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


class ConversionInvalid(ValueError):
    """A conversion that cannot be used, with where ("columns › Budget › date") and why."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)
        self.where, self.message = where, message


class CellInvalid(ValueError):
    pass


@dataclass(frozen=True)
class ColumnRule:
    source: str
    to: str | None = None  # None: the column is ignored
    multiply: Decimal | None = None
    decimal: str = "."
    thousands: str = ""
    date: str = ""  # a strptime format or "iso8601"; empty: not a date
    values: dict[str, str] = field(default_factory=dict)
    blank: str | None = None  # what an empty cell becomes; None: left empty

    @property
    def is_amount(self) -> bool:
        return self.multiply is not None or self.decimal != "." or bool(self.thousands)

    def convert(self, raw: str, zone: zoneinfo.ZoneInfo) -> str:
        text = raw.strip()
        if text == "":
            return "" if self.blank is None else self.blank
        if self.values:
            mapped = self._value_map().get(text.casefold())
            if mapped is None:
                known = ", ".join(sorted(self.values)[:10])
                raise CellInvalid(
                    _("%(value)s is not in the value map (known: %(known)s)")
                    % {"value": excerpt(text, 60), "known": known}
                )
            text = mapped
        if self.date:
            return self._date(text, zone)
        if self.is_amount:
            return self._amount(text)
        return text

    def _value_map(self) -> dict[str, str]:
        return {key.strip().casefold(): value for key, value in self.values.items()}

    def _amount(self, text: str) -> str:
        cleaned = text.replace("\u00a0", " ").strip()
        cleaned = re.sub(r"^[^\d\-+(]+|[^\d)]+$", "", cleaned)  # currency signs and units
        negative = cleaned.startswith("(") and cleaned.endswith(")")
        cleaned = cleaned.strip("()")
        if self.thousands:
            cleaned = cleaned.replace(self.thousands, "")
        if self.decimal == ",":
            if "." in cleaned:
                raise CellInvalid(
                    _("%(value)s has a point; the mapping says the decimal separator is a comma")
                    % {"value": excerpt(text, 60)}
                )
            cleaned = cleaned.replace(",", ".")
        elif "," in cleaned:
            raise CellInvalid(
                _("%(value)s has a comma; the mapping says the decimal separator is a point")
                % {"value": excerpt(text, 60)}
            )
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise CellInvalid(
                _("%(value)s is not an amount") % {"value": excerpt(text, 60)}
            ) from None
        if not number.is_finite():
            raise CellInvalid(_("%(value)s is not an amount") % {"value": excerpt(text, 60)})
        if negative:
            number = -number
        if self.multiply is not None:
            number *= self.multiply
        return format(number, "f")

    def _date(self, text: str, zone: zoneinfo.ZoneInfo) -> str:
        try:
            if self.date == ISO8601:
                parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            else:
                parsed = dt.datetime.strptime(text, self.date)
        except ValueError:
            wanted = _("ISO 8601") if self.date == ISO8601 else self.date
            raise CellInvalid(
                _("%(value)s is not a date in the format %(format)s")
                % {"value": excerpt(text, 60), "format": wanted}
            ) from None
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(zone)
        return parsed.date().isoformat()


@dataclass(frozen=True)
class RecordRule:
    name: str
    fields: dict[str, str]  # omslag column → converted column (a rule's ``to``)
    fixed: dict[str, str] = field(default_factory=dict)
    # omslag columns that must be filled for this record to exist (no current figures yet:
    # no current report); a row without them gives the other records and a note.
    skip_when_blank: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conversion:
    columns: tuple[ColumnRule, ...]
    records: tuple[RecordRule, ...] = ()
    currency: str = ""
    timezone: str = "Europe/Amsterdam"

    @classmethod
    def from_dict(cls, data) -> "Conversion":
        """Read and check a conversion; ConversionInvalid says where and what is wrong."""
        errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            raise ConversionInvalid(" › ".join(str(p) for p in first.absolute_path), first.message)
        zone = data.get("timezone", "Europe/Amsterdam")
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            message = _("%(zone)s is no known time zone") % {"zone": zone}
            raise ConversionInvalid("timezone", message) from None
        rules = []
        for source, rule in data["columns"].items():
            where = f"columns › {source}"
            date = rule.get("date", "")
            if date and date != ISO8601 and not _DATE_DIRECTIVES.search(date):
                raise ConversionInvalid(
                    f"{where} › date",
                    _("a date format needs directives such as %(example)s, or iso8601")
                    % {"example": "%d-%m-%Y"},
                )
            if rule.get("decimal", ".") == rule.get("thousands", ""):
                raise ConversionInvalid(
                    f"{where} › thousands",
                    _("the thousands separator must differ from the decimal separator"),
                )
            multiply = rule.get("multiply")
            rules.append(
                ColumnRule(
                    source=source.strip(),
                    to=(rule.get("to") or None),
                    multiply=Decimal(multiply) if multiply else None,
                    decimal=rule.get("decimal", "."),
                    thousands=rule.get("thousands", ""),
                    date=date,
                    values=dict(rule.get("values", {})),
                    blank=rule.get("blank"),
                )
            )
        targets = [r.to for r in rules if r.to]
        doubles = sorted({t for t in targets if targets.count(t) > 1})
        records = tuple(
            RecordRule(
                r.get("name", f"{index + 1}"),
                dict(r["fields"]),
                dict(r.get("fixed", {})),
                tuple(r.get("skip_when_blank", ())),
            )
            for index, r in enumerate(data.get("records", []))
        )
        if doubles and not records:
            raise ConversionInvalid(
                "columns",
                _("several columns go to %(columns)s; only records may share a target")
                % {"columns": ", ".join(doubles)},
            )
        for index, record in enumerate(records):
            if set(record.skip_when_blank) - set(record.fields):
                raise ConversionInvalid(
                    f"records › {index} › skip_when_blank",
                    _("name fields of this record"),
                )
            unknown = sorted(set(record.fields.values()) - set(targets))
            if unknown:
                raise ConversionInvalid(
                    f"records › {index} › fields",
                    _("no column is converted to %(columns)s") % {"columns": ", ".join(unknown)},
                )
        return cls(tuple(rules), records, data.get("currency", ""), zone)

    def to_dict(self) -> dict:
        columns = {}
        for rule in self.columns:
            out: dict = {"to": rule.to}
            if rule.multiply is not None:
                out["multiply"] = format(rule.multiply, "f")
            if rule.decimal != ".":
                out["decimal"] = rule.decimal
            if rule.thousands:
                out["thousands"] = rule.thousands
            if rule.date:
                out["date"] = rule.date
            if rule.values:
                out["values"] = dict(rule.values)
            if rule.blank is not None:
                out["blank"] = rule.blank
            columns[rule.source] = out
        data: dict = {"columns": columns}
        if self.records:
            data["records"] = [
                {
                    "name": r.name,
                    "fields": dict(r.fields),
                    **({"fixed": r.fixed} if r.fixed else {}),
                    **({"skip_when_blank": list(r.skip_when_blank)} if r.skip_when_blank else {}),
                }
                for r in self.records
            ]
        if self.currency:
            data["currency"] = self.currency
        if self.timezone != "Europe/Amsterdam":
            data["timezone"] = self.timezone
        return data

    def headers_out(self) -> list[str]:
        """The omslag columns the converted table has."""
        if self.records:
            names: list[str] = []
            for record in self.records:
                for name in [*record.fields, *record.fixed]:
                    if name not in names:
                        names.append(name)
            return names
        return [rule.to for rule in self.columns if rule.to]

    def apply(
        self,
        table: Table,
        problem: Callable[[RowProblem], None],
        note: Callable[[RowProblem], None] | None = None,
        skipped: Callable[[], None] | None = None,
    ) -> Table:
        """The converted table (streamed, row numbers kept); a row with a cell that does not
        convert is left out and reported through ``problem`` with the file's column; a record
        left out by its ``skip_when_blank`` is told through ``note``, and a row of which every
        record was left out so is counted through ``skipped``."""
        positions = {header.strip().casefold(): i for i, header in enumerate(table.headers)}
        missing = [r.source for r in self.columns if r.source.casefold() not in positions]
        for source in missing:
            problem(RowProblem(1, source, "", _("the file has no column with this name")))
        zone = zoneinfo.ZoneInfo(self.timezone)
        used = [
            (rule, positions[rule.source.casefold()])
            for rule in self.columns
            if rule.to and rule.source not in missing
        ]
        headers = self.headers_out()

        def rows() -> Iterator[tuple[int, list[str]]]:
            if missing:
                return
            for number, values in table.rows:
                converted: dict[str, str] = {}
                ok = True
                for rule, index in used:
                    raw = values[index] if index < len(values) else ""
                    try:
                        converted[rule.to] = rule.convert(raw, zone)  # type: ignore[index]
                    except CellInvalid as exc:
                        problem(RowProblem(number, rule.source, excerpt(raw), str(exc)))
                        ok = False
                if not ok:
                    continue
                if not self.records:
                    yield number, [converted.get(name, "") for name in headers]
                    continue
                given = left_out = 0
                for record in self.records:
                    filled = {name: converted.get(src, "") for name, src in record.fields.items()}
                    if not any(value.strip() for value in filled.values()):
                        continue  # nothing of this record in the row (no baseline, say)
                    blank = [name for name in record.skip_when_blank if not filled[name].strip()]
                    if blank:
                        if note is not None:
                            reason = _("%(record)s left out: %(columns)s empty") % {
                                "record": record.name,
                                "columns": ", ".join(blank),
                            }
                            note(RowProblem(number, blank[0], "", reason))
                        left_out += 1
                        continue
                    filled.update(record.fixed)
                    given += 1
                    yield number, [filled.get(name, "") for name in headers]
                if not given and left_out and skipped is not None:
                    skipped()

        return Table(
            headers=headers,
            rows=rows(),
            format=table.format,
            encoding=table.encoding,
            delimiter=table.delimiter,
        )
