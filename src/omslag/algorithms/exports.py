"""The algorithm register in the national publication standard's shape: pure functions over
records and querysets."""

import json

from . import standard
from .models import AlgorithmRecord


def algorithm_as_standard(algorithm: AlgorithmRecord) -> dict:
    """One record under the standard's field names and values; empty optional fields are
    left out (the standard has no "empty" value for a link or a month)."""
    values = algorithm.standard_values()
    values["status"] = standard.STATUS[algorithm.status]
    values["publication_category"] = standard.PUBLICATION_CATEGORY[algorithm.publication_category]
    values["theme"] = list(algorithm.theme)
    values["language"] = standard.LANGUAGE
    values["schema"] = standard.SCHEMA_VERSION
    values["source_id"] = f"omslag:{algorithm.organisation.slug}:{algorithm.pk}"
    return {
        name: values[name]
        for name in standard.FIELD_ORDER
        if name in standard.REQUIRED or name in {"language", "schema"} or values.get(name)
    }


def algorithms_as_standard_json(algorithms) -> bytes:
    """A JSON array of records in the standard, UTF-8, readable by people too."""
    records = [algorithm_as_standard(a) for a in algorithms]
    return json.dumps(records, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
