"""What every projects API view shares: input validation, the access checks, and the field
types for money, percentages and repeatable query parameters."""

from django.core.exceptions import PermissionDenied
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
    require(access.projects_can_change(request.user, organisation))
    return organisation


def record_changeable(request, record):
    """403 unless the person may change ``record`` (a project, report, part or class)."""
    require(access.record_can_change(request.user, record))
    return record


def money(**kwargs) -> serializers.DecimalField:
    """An amount in the project's currency as a string with two decimals ("1234.50"), as
    the portfolio API writes euro: exact, where a JSON number is a float to most clients.
    Input takes a string or a number."""
    kwargs.setdefault("max_digits", None)
    return serializers.DecimalField(decimal_places=2, coerce_to_string=True, **kwargs)


class RoundedField(serializers.FloatField):
    """A percentage from the analysis core (20.0 is +20 %), to two decimals."""

    def to_representation(self, value):
        return round(float(value), 2)


class VersionIn(CamelSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a stale one gives 409."
    )


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
