"""Serializer helpers for the API's camelCase field names."""

import re

from django.db import models
from django.db.models.fields import PositiveIntegerRelDbTypeMixin
from rest_framework import serializers


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class CamelCaseMixin:
    """Exposes every declared snake_case field under its camelCase name.

    The field keeps reading from and writing to the snake_case attribute (``source``), so
    services and models stay in Python's naming while the API follows the design rules.
    """

    def get_fields(self):
        fields = super().get_fields()
        renamed = {}
        for name, field in fields.items():
            camel_name = camel(name)
            if camel_name != name and field.source in (None, name):
                field.source = name
            renamed[camel_name] = field
        return renamed

    def to_internal_value(self, data):
        # DRF turns a JSON number into text (``"name": 5`` becomes "5"); the document says a
        # string, so a number is refused like any other wrong type.
        if isinstance(data, dict):
            numbers = {
                name: [serializers.CharField.default_error_messages["invalid"]]
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and not field.read_only
                and isinstance(data.get(name), int | float)
                and not isinstance(data.get(name), bool)
            }
            if numbers:
                raise serializers.ValidationError(numbers)
        return super().to_internal_value(data)


class OptionalURLField(serializers.URLField):
    """An address that may be missing: ``null`` in answers (never ``""``, which is not a URI
    as the document says); ``null`` or ``""`` in requests store no address."""

    def __init__(self, **kwargs):
        kwargs["allow_null"] = True
        kwargs["allow_blank"] = True
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        if data is None or data == "":
            return ""
        return super().run_validation(data)

    def to_representation(self, value):
        return value or None


class CamelModelSerializer(CamelCaseMixin, serializers.ModelSerializer):
    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.URLField) and model_field.blank:
            kwargs.pop("allow_blank", None)
            kwargs.pop("allow_null", None)
            field_class = OptionalURLField
        if (
            isinstance(model_field, models.IntegerField)
            and issubclass(field_class, serializers.IntegerField)
            and not kwargs.get("read_only")
        ):
            kwargs.update(_integer_bounds(model_field, kwargs))
        return field_class, kwargs


def _integer_bounds(model_field, kwargs) -> dict:
    """The bounds of the column on PostgreSQL (SQLite would take 64 bits), on both databases:
    the same answer and the same document wherever omslag runs."""
    small = isinstance(model_field, models.SmallIntegerField | models.PositiveSmallIntegerField)
    big = isinstance(model_field, models.BigIntegerField | models.PositiveBigIntegerField)
    high = 2**15 - 1 if small else 2**63 - 1 if big else 2**31 - 1
    positive = isinstance(model_field, PositiveIntegerRelDbTypeMixin)
    low = 0 if positive else -high - 1
    bounds = {"max_value": min(kwargs.get("max_value", high), high)}
    bounds["min_value"] = max(kwargs.get("min_value", low), low)
    return bounds


class CamelSerializer(CamelCaseMixin, serializers.Serializer):
    pass


class StoredFiguresStateOut(serializers.Serializer):
    """How old the figures of an answer are (``figures``), in one shape for every API that
    answers from figures computed once and stored (``common.stored_figures``). Its fields are
    named as ``stored_figures.figures_state`` writes its keys, the command line's too."""

    asOf = serializers.DateTimeField(
        help_text="When the figures were computed (ISO 8601): when they were stored, or this "
        "request's time when computed for it."
    )
    pending = serializers.BooleanField(
        help_text="The data changed since; new figures are being computed (a refresh is "
        "queued). Always false for figures computed for this request."
    )
    stored = serializers.BooleanField(
        help_text="True: read from the stored figures (those the pages show); false: computed "
        "for this request, because it asked for figures other than the stored ones."
    )
