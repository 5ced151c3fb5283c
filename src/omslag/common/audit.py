"""The hook every app calls to put an event in the audit log: ``record(event, person=…,
organisation=…, detail=…)``. The ``audit`` app registers the store that keeps the entries
(in its ``AppConfig.ready()``), so an app that records an event does not import it and the
apps stay free of cycles."""

from collections.abc import Callable
from typing import Any

Recorder = Callable[..., Any]

_RECORDERS: list[Recorder] = []


def audit_recorder_register(recorder: Recorder) -> None:
    """Add ``recorder(event, *, person, organisation, detail)``; registering it again is a no-op."""
    if recorder not in _RECORDERS:
        _RECORDERS.append(recorder)


def record(event: str, *, person: Any = None, organisation: Any = None, detail: Any = None) -> None:
    """Put ``event`` in the audit log, done by (or about) ``person``, in ``organisation``
    (None for events of a person alone, such as signing in), with ``detail`` (a dict of text)."""
    for recorder in _RECORDERS:
        recorder(event, person=person, organisation=organisation, detail=dict(detail or {}))
