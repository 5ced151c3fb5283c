"""How the public pages show what a snapshot stores: readable labels of its codes."""

from omslag.common.templatetags.formatting import euro, percent, share

from .models import Kind
from .snapshots import labelled_choices


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def snapshot_labels(kind, snapshot: dict) -> dict:
    """Readable labels of the codes a snapshot stores (the codes stay in the open data)."""
    return {
        field: _label(choices, snapshot.get(field))
        for field, choices in labelled_choices(kind).items()
    }


# The snapshot fields whose codes have readable labels, per kind (as ``snapshot_labels``).
_LABELLED = {Kind.PROJECT: ("status", "colour", "approach"), Kind.EXPERIMENT: ("stage",)}


def shown_value(kind, column, snapshot: dict):
    """A list cell as a person reads it: the label of a code, an amount in euros, a rounded
    percentage. Downloads and the API keep the stored value."""
    value = column.value(snapshot)
    if value is None or value == "" or not column.shown:
        return value
    if column.shown == "label":
        return snapshot_labels(kind, {column.key: value}).get(column.key) or value
    try:
        return {"euro": euro, "percent": percent, "share": share}[column.shown](value)
    except (ArithmeticError, TypeError, ValueError):
        return value


def facet_options(kind, facets) -> list[tuple[str, str]]:
    """(code, label) of a list's filter values, in the order of their choices (the pipeline's
    stages in order, the colours from green to red)."""
    field = {Kind.PROJECT: "colour", Kind.EXPERIMENT: "stage"}.get(kind)
    if field is None:
        return [(facet, facet) for facet in facets]
    choices = labelled_choices(kind)[field]
    order = {code: index for index, code in enumerate(choices.values)}
    return [
        (facet, snapshot_labels(kind, {field: facet})[field] or facet)
        for facet in sorted(facets, key=lambda code: (order.get(code, len(order)), code))
    ]
