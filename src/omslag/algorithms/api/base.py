"""What the algorithms API views share: input validation and the access checks."""

from rest_framework import serializers

from omslag.common.access import require
from omslag.common.api.serializers import camel

from .. import access, standard


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
