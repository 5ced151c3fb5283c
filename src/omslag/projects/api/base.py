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
