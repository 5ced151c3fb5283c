"""The kinds of record an assessment can be about (experiments, projects, applications), each
registered by the app that owns it in its ``registrations.py``, so safeguards names none of
them. ``key`` is also the assessment's field that points to such a record."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AssessmentSubject:
    """``live(organisation_ids)``: the records of those organisations that still count
    (coverage); ``choosable``: those a
    new assessment may be about; ``stages()``: the stages (or statuses) a gate requirement may
    name, in order when ``ordered`` (reaching a later stage also needs what an earlier one
    needs)."""

    key: str
    label: Any
    model: Any
    name_field: str
    live: Callable[[Any], Any]
    choosable: Callable[[Any], Any]
    stages: Callable[[], list[str]]
    ordered: bool
    order: int


_SUBJECTS: dict[str, AssessmentSubject] = {}


def assessment_subject_register(subject: AssessmentSubject) -> None:
    _SUBJECTS[subject.key] = subject


def assessment_subjects() -> list[AssessmentSubject]:
    """Every registered kind, in the order the pages show them."""
    return sorted(_SUBJECTS.values(), key=lambda subject: subject.order)


def assessment_subject(key: str) -> AssessmentSubject | None:
    return _SUBJECTS.get(key)


def assessment_subject_of(record: Any) -> AssessmentSubject:
    """The kind of ``record`` (an experiment, a project, …); LookupError for another model."""
    for subject in _SUBJECTS.values():
        if isinstance(record, subject.model):
            return subject
    raise LookupError(f"{type(record).__name__} is no registered assessment subject.")


# Who wants to know when records that can be assessment subjects were added, removed or
# changed (the safeguards app: its stored coverage). The apps that own the subjects call
# ``assessment_subjects_changed`` from their services, inside the write's transaction.
_CHANGE_LISTENERS: list[Callable[[list[int]], None]] = []


def assessment_subjects_changed_listen(listener: Callable[[list[int]], None]) -> None:
    if listener not in _CHANGE_LISTENERS:
        _CHANGE_LISTENERS.append(listener)


def assessment_subjects_changed(organisation_ids: Iterable[int]) -> None:
    """Subjects of these organisations were added, removed or changed: tell the listeners."""
    ids = sorted(set(organisation_ids))
    if not ids:
        return
    for listener in _CHANGE_LISTENERS:
        listener(ids)
