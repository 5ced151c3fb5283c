"""What the safeguards API views share."""

from django.core.exceptions import PermissionDenied
from rest_framework import serializers

from omslag.common.api.serializers import CamelSerializer


def validated(serializer_class, data, **context) -> dict:
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class VersionIn(CamelSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a stale one gives 409."
    )
