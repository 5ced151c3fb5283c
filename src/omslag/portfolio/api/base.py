"""What every portfolio API view shares: input validation, the access checks, and the field
types for money and percentages."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from omslag.common.api.serializers import CamelSerializer
from omslag.organisations.access import organisation_get_readable

from .. import access


def validated(serializer_class, data, **context) -> dict:
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def organisation_readable(request, slug):
    """The organisation of the path, or 404 when the person may not read it."""
    return organisation_get_readable(request.user, slug)


def organisation_changeable(request, slug):
    """The organisation of the path; 404 if unreadable, 403 if the role may not change it."""
    organisation = organisation_get_readable(request.user, slug)
    require(access.portfolio_can_change(request.user, organisation))
    return organisation


def record_changeable(request, record):
    require(access.record_can_change(request.user, record))
    return record


def money(**kwargs) -> serializers.DecimalField:
    """Euro as a string with two decimals ("1234.50"): exact, where a JSON number is a float
    to most clients and loses cents in sums. Input takes a string or a number."""
    kwargs.setdefault("max_digits", None)
    return serializers.DecimalField(decimal_places=2, coerce_to_string=True, **kwargs)


class PercentField(serializers.FloatField):
    """A share from the analysis core (0.7) as a percentage (70.0), to two decimals."""

    def to_representation(self, value):
        return round(float(value) * 100, 2)


class PointsField(serializers.FloatField):
    """Percentage points (a trend per year, a gap), to two decimals."""

    def to_representation(self, value):
        return round(float(value), 2)


class VersionIn(CamelSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a stale one gives 409."
    )


def application_does_not_exist() -> dict:
    """The same words whether the id is unknown or belongs to another organisation, so the
    answer never tells that another organisation's application exists."""
    return {
        "does_not_exist": _("There is no application with id {pk_value} in this organisation."),
        "incorrect_type": _("Give the id of the application, a whole number."),
    }
