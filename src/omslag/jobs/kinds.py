"""The kinds of work a job can do, registered by the app that owns the work (exchange registers
its import check and import). A job names its kind by key, so a worker on another machine finds
the same function."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobKind:
    key: str
    label: Any  # a lazy translation
    # run(job) does the work and returns the result (a small dict, kept on the job); it calls
    # jobs.services.progress(job, done, total) now and then, and raises JobFailed to end with
    # problems. Everything it saves should be in one transaction, so a cancel or a dead worker
    # leaves nothing half-saved.
    run: Callable[..., dict | None]
    # Where the person finds the result (a page of the app that owns the work), or "".
    result_url: Callable[..., str] | None = None


_KINDS: dict[str, JobKind] = {}


def job_kind_register(kind: JobKind) -> None:
    _KINDS[kind.key] = kind


def job_kind(key: str) -> JobKind | None:
    return _KINDS.get(key)
