"""Domain errors raised by services and turned into messages (web) or problem+json (API)."""

from typing import Any


class DomainError(Exception):
    """Base for errors a user can act on; ``message`` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(DomainError):
    """A save based on a stale version: somebody else changed the record in between."""

    def __init__(self, message: str, *, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class RuleViolation(DomainError):
    """A well-formed request that breaks a business rule (HTTP 422)."""
