"""What every innovation API view shares: input validation, the access checks, the field types
(money, percentages, camelCase JSON documents) and the answers for refused work (a gate, bad
measurements, an impossible calculation)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from omslag.common.access import require
from omslag.common.api.problems import problem_response
from omslag.common.api.serializers import camel

from .. import access


def record_changeable(request, record):
    """403 unless the person may change ``record`` (editors and administrators)."""
    require(access.record_can_change(request.user, record))
    return record


class PercentField(serializers.FloatField):
    """A share from a selector (0.25) as a percentage (25.0), to two decimals."""

    def to_representation(self, value):
        return round(float(value) * 100, 2)


def camel_keys(value):
    """A JSON document from the analysis core with every key in camelCase (p_value → pValue)."""
    if isinstance(value, dict):
        return {camel(str(key)): camel_keys(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [camel_keys(item) for item in value]
    return value


@extend_schema_field({"type": "object", "additionalProperties": {}})
class CamelJsonField(serializers.Field):
    """A stored JSON document (inputs, result) shown with camelCase keys; read only."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return camel_keys(value)


class OpenUnitIntervalField(serializers.FloatField):
    """A probability level (confidence, alpha, power, a rate): strictly between 0 and 1."""

    default_error_messages = {"open_interval": _("Must lie strictly between 0 and 1; got {value}.")}

    def to_internal_value(self, data):
        number = super().to_internal_value(data)
        if not 0.0 < number < 1.0:
            self.fail("open_interval", value=number)
        return number


_NOT_HERE = {
    "application": _("There is no application with id {pk_value} in this organisation."),
    "challenge": _("There is no challenge with id {pk_value} in this organisation."),
    "idea": _("There is no idea with id {pk_value} in this organisation."),
    "evaluation": _("There is no evaluation with id {pk_value} of this experiment."),
    "upload": _("There is no measurement upload with id {pk_value} of this experiment."),
}


def does_not_exist(what: str) -> dict:
    """The same words whether the id is unknown or belongs to another organisation (or
    experiment), so the answer never tells that another organisation's record exists."""
    return {
        "does_not_exist": _NOT_HERE[what],
        "incorrect_type": _("Give the id, a whole number."),
    }


class CalculationRefused(exceptions.APIException):
    """The analysis core refused the numbers (ValueError): 400 with its message."""

    status_code = 400
    default_code = "invalid"


def calculated(function, *args, **kwargs):
    """Call an analysis-core function; its ValueError (which says what and where) becomes a
    400 problem with that message."""
    try:
        return function(*args, **kwargs)
    except ValueError as error:
        raise CalculationRefused(str(error)) from None


def gate_refused(request, refused):
    """422 listing every gate rule that is not met, so a client can show what to do."""
    return problem_response(request, 422, refused.message, problems=list(refused.problems))


def row_problems(request, refused, columns: dict[str, str] | None = None):
    """422 with the per-row report of bad measurements, as the imports give it; ``columns``
    renames the service's field names to the API's."""
    columns = columns or {}
    errors = [
        {
            "row": problem.row,
            "column": columns.get(problem.column, problem.column),
            "value": problem.value,
            "reason": problem.reason,
        }
        for problem in refused.problems
    ]
    return problem_response(request, 422, refused.message, errors=errors)


def renamed_errors(error: DjangoValidationError, names: dict[str, str]) -> DjangoValidationError:
    """The model's validation errors under the names the API's input uses (the model says
    ``status_reason``, the request ``reason``)."""
    if not hasattr(error, "error_dict"):
        return error
    return DjangoValidationError(
        {names.get(field, field): errors for field, errors in error.error_dict.items()}
    )
