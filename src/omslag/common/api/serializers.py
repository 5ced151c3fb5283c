"""Serializer helpers for the API's camelCase field names."""

import re

from django.db import models
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
        return field_class, kwargs


class CamelSerializer(CamelCaseMixin, serializers.Serializer):
    pass
