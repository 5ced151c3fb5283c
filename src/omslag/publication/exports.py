"""Every public dataset of an organisation and the catalogue written to a folder: pure
functions over the published snapshots (``omslag export open``)."""

import json
from pathlib import Path

from . import datasets, selectors
from .models import Kind


def open_export_write(organisation, fmt: str, directory: Path, base_url: str) -> list[Path]:
    """Write <dataset>.<fmt> for every dataset the organisation publishes, plus
    catalogue.json and catalogue.jsonld; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    counts = selectors.kind_counts(organisation)
    for kind in Kind.values:
        if not counts.get(kind):
            continue
        path = directory / f"{selectors.KIND_SEGMENTS[kind]}.{fmt}"
        path.write_bytes(datasets.dataset_file(organisation, kind, fmt))
        written.append(path)
    catalogue = datasets.catalogue(base_url.rstrip("/"), only=organisation)
    for name, body in (
        ("catalogue.json", catalogue),
        ("catalogue.jsonld", datasets.catalogue_jsonld(catalogue)),
    ):
        path = directory / name
        path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
