"""What the algorithms API views share: input validation and the access checks."""

from django.core.exceptions import PermissionDenied
from rest_framework import serializers

from omslag.common.api.serializers import CamelSerializer, camel
from omslag.organisations.access import organisation_get_readable

from .. import access, standard


def validated(serializer_class, data, **context) -> dict:
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def organisation_readable(request, slug):
    return organisation_get_readable(request.user, slug)


def organisation_changeable(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.algorithms_can_change(request.user, organisation))
    return organisation


def framework_readable(request) -> None:
    require(access.framework_can_read(request.user))


def standard_errors(values: dict, *, required: bool) -> None:
    """Refuse (400, naming the camelCase field) values the publication standard does not
    accept: a field over its length limit, a malformed month, link or contact."""
    problems = standard.value_problems(values, required=required)
    problems.pop("organization", None)
    problems.pop("status", None)
    problems.pop("publication_category", None)
    if problems:
        names = {"start_date": "startMonth", "end_date": "endMonth"}
        raise serializers.ValidationError({names.get(k, camel(k)): v for k, v in problems.items()})


class VersionIn(CamelSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a stale one gives 409."
    )
