"""The dashboard as one plain document (camelCase): the API's answer and the JSON of the
board report are this document, so they carry the same figures."""

from decimal import Decimal

from .selectors import Dashboard

CENT = Decimal("0.01")


def _plain(value):
    """Amounts as exact strings with two decimals, as everywhere in the API; dates ISO."""
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def dashboard_document(dashboard: Dashboard) -> dict:
    document = {
        "organisation": {
            "slug": dashboard.organisation.slug,
            "name": dashboard.organisation.name,
        },
        "withChildren": dashboard.with_children,
        "organisations": len(dashboard.organisation_ids),
        "asOf": dashboard.as_of.isoformat(),
    }
    for tile in dashboard.tiles:
        document[tile.key] = _plain(tile.data.figures)
    document["decisionsWaiting"] = [
        {
            "kind": d.kind,
            "label": str(d.label),
            "subject": d.subject,
            "organisation": d.organisation,
            "since": _plain(d.since),
            "ageDays": d.age_days,
            "url": d.url,
        }
        for d in dashboard.decisions
    ]
    document["decisionsWaitingTotal"] = dashboard.decisions_total
    document["decisionsWaitingByKind"] = {
        _camel(kind): count for kind, count in dashboard.decision_counts.items()
    }
    document["freshness"] = [
        {
            "label": str(f.label),
            "asOf": _plain(f.as_of),
            "stale": f.stale,
            "warning": str(f.warning),
        }
        for f in dashboard.freshness
    ]
    return document


def _camel(kind: str) -> str:
    first, *rest = kind.split("-")
    return first + "".join(part.capitalize() for part in rest)
