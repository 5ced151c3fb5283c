"""Field types that the API of several apps uses."""

from rest_framework import serializers


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
