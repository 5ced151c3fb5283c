"""What every projects API view shares: input validation, the access checks, and the field
types for money, percentages and repeatable query parameters."""

from rest_framework import serializers

from omslag.common.access import require

from .. import access


def record_changeable(request, record):
    """403 unless the person may change ``record`` (a project, report, part or class)."""
    require(access.record_can_change(request.user, record))
    return record


class RoundedField(serializers.FloatField):
    """A percentage from the analysis core (20.0 is +20 %), to two decimals."""

    def to_representation(self, value):
        return round(float(value), 2)


class ChoiceListField(serializers.ListField):
    """A repeatable query parameter that also takes a comma list: ``?colour=red&colour=amber``
    or ``?colour=red,amber``."""

    def to_internal_value(self, data):
        values = [data] if isinstance(data, str) else list(data)
        parts = [part.strip() for value in values for part in str(value).split(",")]
        try:
            return super().to_internal_value([part for part in parts if part])
        except serializers.ValidationError as error:
            # Name the parameter (colour), not the position in it (colour.0).
            raise serializers.ValidationError(
                [reason for reasons in error.detail.values() for reason in reasons]
            ) from None
