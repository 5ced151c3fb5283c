"""What every portfolio API view shares: input validation, the access checks, and the field
types for money and percentages."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from omslag.common.access import require

from .. import access


def record_changeable(request, record):
    require(access.record_can_change(request.user, record))
    return record


class PercentField(serializers.FloatField):
    """A share from the analysis core (0.7) as a percentage (70.0), to two decimals."""

    def to_representation(self, value):
        return round(float(value) * 100, 2)


class PointsField(serializers.FloatField):
    """Percentage points (a trend per year, a gap), to two decimals."""

    def to_representation(self, value):
        return round(float(value), 2)


def application_does_not_exist() -> dict:
    """The same words whether the id is unknown or belongs to another organisation, so the
    answer never tells that another organisation's application exists."""
    return {
        "does_not_exist": _("There is no application with id {pk_value} in this organisation."),
        "incorrect_type": _("Give the id of the application, a whole number."),
    }
