"""The national Algorithm Register publication standard (Algoritmeregister Publicatiestandaard
1.0.0): its field names, required fields, length limits, choice lists and formats, and the
shape of a record in it.

The facts are taken from the standard's published JSON Schema (draft-07); the schema file
itself is not shipped. The tests validate an export against the real file.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

SCHEMA_VERSION = "1.0.0"  # the standard's "schema" constant
LANGUAGE = "nld"  # the standard's "language" constant (ISO 639-3)

# Field of the standard -> its maximum length in characters (the schema's maxLength).
MAX_LENGTHS = {
    "name": 99,
    "description_short": 399,
    "organization": 99,
    "purpose_and_impact": 2499,
    "considerations": 2499,
    "human_intervention": 2499,
    "risk_management": 2499,
    "legal_basis": 2499,
    "legal_basis_title": 99,
    "impact_assessment_explanation": 2499,
    "data": 2499,
    "data_source_title": 499,
    "technical_operation": 4999,
    "supplier": 199,
}

# Fields the standard marks as required ("display": "mandatory"), besides language and schema.
REQUIRED = (
    "name",
    "description_short",
    "organization",
    "theme",
    "status",
    "start_date",
    "contact",
    "publication_category",
    "purpose_and_impact",
    "considerations",
    "human_intervention",
    "risk_management",
    "impact_assessments",
    "data",
    "technical_operation",
    "supplier",
)

# Fields whose value must be an absolute URI ("format": "uri").
URI_FIELDS = (
    "link",
    "source_link",
    "legal_basis_link",
    "processing_register_link",
    "impact_assessment_link",
    "data_source_link",
    "source_code_link",
)

# Fields whose value is a month, "2023-01" (pattern ^[0-9]{4}-[0-9]{2}$).
MONTH_FIELDS = ("start_date", "end_date")
MONTH_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}$")

# The choice lists (enum) of the standard, by our code.
STATUS = {
    "in_development": "In ontwikkeling",
    "in_use": "In gebruik",
    "out_of_use": "Buiten gebruik",
}
PUBLICATION_CATEGORY = {
    "high_risk_ai": "Hoog-risico AI-systeem (Categorie A)",
    "impactful": "Impactvolle algoritmes (Categorie B)",
    "other": "Overige algoritmes (Categorie C)",
}

# Order of the fields in an exported record: the order of the standard.
FIELD_ORDER = (
    "name",
    "description_short",
    "organization",
    "theme",
    "status",
    "start_date",
    "end_date",
    "contact",
    "link",
    "publication_category",
    "source_link",
    "purpose_and_impact",
    "considerations",
    "human_intervention",
    "risk_management",
    "legal_basis",
    "legal_basis_link",
    "legal_basis_title",
    "processing_register_link",
    "impact_assessments",
    "impact_assessment_link",
    "impact_assessment_explanation",
    "data",
    "data_source_link",
    "data_source_title",
    "technical_operation",
    "supplier",
    "source_code_link",
    "language",
    "schema",
    "source_id",
    "search_terms",
)


def too_long_message(field: str, limit: int, length: int) -> str:
    return _(
        "%(field)s may have at most %(limit)d characters in the Algorithm Register standard; "
        "it has %(length)d."
    ) % {"field": field, "limit": limit, "length": length}


def _is_uri(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path)) and " " not in value


def _is_month(value: str) -> bool:
    if not MONTH_PATTERN.match(value):
        return False
    return 1 <= int(value[5:]) <= 12


def contact_is_valid(value: str) -> bool:
    """The standard asks for an e-mail address or a website that starts with https://."""
    if value.startswith("https://"):
        return _is_uri(value)
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def value_problems(values: dict, *, required: bool = True) -> dict[str, list[str]]:
    """Problems of ``values`` (standard field name -> value) against the standard, by field.
    ``required=False`` leaves out the check that required fields are filled (a change of some
    fields, or a model whose own fields already refuse blanks)."""
    problems: dict[str, list[str]] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    if required:
        for field in REQUIRED:
            value = values.get(field)
            if value in (None, "", [], ()):
                add(
                    field,
                    _("%(field)s is required by the Algorithm Register standard.")
                    % {"field": field},
                )
    for field, limit in MAX_LENGTHS.items():
        value = values.get(field)
        if isinstance(value, str) and len(value) > limit:
            add(field, too_long_message(field, limit, len(value)))
    for field in URI_FIELDS:
        value = values.get(field)
        if value and not _is_uri(value):
            add(
                field,
                _("%(field)s must be a full web address (URI), e.g. https://…") % {"field": field},
            )
    for field in MONTH_FIELDS:
        value = values.get(field)
        if value and not _is_month(value):
            add(
                field,
                _("%(field)s must be a month written as YYYY-MM, e.g. 2023-01.") % {"field": field},
            )
    contact = values.get("contact")
    if contact and not contact_is_valid(contact):
        add("contact", _("contact must be an e-mail address or a website starting with https://."))
    theme = values.get("theme")
    if theme is not None and (
        not isinstance(theme, list | tuple) or not all(isinstance(t, str) and t for t in theme)
    ):
        add("theme", _("theme must be a list of policy areas (texts)."))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and _is_month(start) and _is_month(end) and end < start:
        add(
            "end_date",
            _("end_date (%(end)s) lies before start_date (%(start)s).")
            % {"end": end, "start": start},
        )
    return problems
