"""Serializer helpers for the API's camelCase field names."""

import re

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


class CamelModelSerializer(CamelCaseMixin, serializers.ModelSerializer):
    pass


class CamelSerializer(CamelCaseMixin, serializers.Serializer):
    pass
