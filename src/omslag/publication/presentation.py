"""How the public pages show what a snapshot stores: readable labels of its codes."""

from .models import Kind


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def snapshot_labels(kind, snapshot: dict) -> dict:
    """Readable labels of the codes a snapshot stores (the codes stay in the open data)."""
    from omslag.innovation.models import Stage
    from omslag.projects.models import Project

    if kind == Kind.PROJECT:
        return {
            "status": _label(Project.Status, snapshot.get("status")),
            "colour": _label(Project.Colour, snapshot.get("colour")),
            "approach": _label(Project.Approach, snapshot.get("approach")),
        }
    if kind == Kind.EXPERIMENT:
        return {"stage": _label(Stage, snapshot.get("stage"))}
    return {}
