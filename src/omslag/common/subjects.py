"""The kinds of record an assessment can be about (experiments, projects, applications), each
registered by the app that owns it in its ``registrations.py``, so safeguards names none of
them. ``key`` is also the assessment's field that points to such a record."""

from collections.abc import Callable
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
