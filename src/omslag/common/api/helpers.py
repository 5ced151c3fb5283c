"""Small pieces every API view package uses: validate input, money, versions."""

from rest_framework import serializers

from .serializers import CamelSerializer


def validated(serializer_class, data, **context) -> dict:
    """The validated data of ``serializer_class`` or a 400 problem naming every bad field."""
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def money(**kwargs) -> serializers.DecimalField:
    """An amount as a string with two decimals ("1234.50"): exact, where a JSON number is a
    float to most clients and loses cents in sums. Input takes a string or a number."""
    kwargs.setdefault("max_digits", None)
    return serializers.DecimalField(decimal_places=2, coerce_to_string=True, **kwargs)


class VersionIn(CamelSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a stale one gives 409."
    )
