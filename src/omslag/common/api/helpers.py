"""Small pieces every API view package uses: validate input, money, versions."""

import decimal

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers

from ..amounts import AMOUNT_MAX_DIGITS, amount_bounded
from .serializers import CamelSerializer


def validated(serializer_class, data, **context) -> dict:
    """The validated data of ``serializer_class`` or a 400 problem naming every bad field."""
    serializer = serializer_class(data=data, context=context)
    if isinstance(data, QueryDict):
        _refuse_empty_parameters(serializer, data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _refuse_empty_parameters(serializer, data: QueryDict) -> None:
    """DRF reads ``?sort=`` as if the parameter were absent (a form's habit); the document
    says an empty value is not allowed where a field allows no blank, so it is refused."""
    errors = {
        name: [_("may not be empty")]
        for name, field in serializer.fields.items()
        if name in data
        and "" in data.getlist(name)
        and not getattr(field, "allow_blank", False)
        and not field.allow_null
    }
    if errors:
        raise serializers.ValidationError(errors)


class MoneyField(serializers.DecimalField):
    """A DecimalField whose input is checked by ``common.amounts`` like an import's: never
    wider than its column (14 digits unless ``max_digits`` says otherwise), never an
    arithmetic error (1e30) that would end in a 500."""

    def to_internal_value(self, data):
        digits = self.max_digits or AMOUNT_MAX_DIGITS
        try:
            value = super().to_internal_value(data)
        except decimal.InvalidOperation:  # wider than Python's decimal context
            value = decimal.Decimal(10) ** digits
        try:
            return amount_bounded(value, max_digits=digits, decimal_places=self.decimal_places)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


def money(**kwargs) -> serializers.DecimalField:
    """An amount as a string with two decimals ("1234.50"): exact, where a JSON number is a
    float to most clients and loses cents in sums. Input takes a string or a number."""
    kwargs.setdefault("max_digits", None)
    return MoneyField(decimal_places=2, coerce_to_string=True, **kwargs)


class VersionIn(CamelSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a stale one gives 409."
    )
