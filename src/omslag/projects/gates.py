"""Gate rules for project status changes, pluggable like the experiment gates: other apps
(safeguards) register rules that a change to a given status must meet."""

from collections.abc import Callable
from dataclasses import dataclass

from omslag.common.errors import RuleViolation


@dataclass(frozen=True)
class ProjectGateRule:
    code: str
    label: str
    to_statuses: tuple[str, ...]
    check: Callable[..., list[str]]  # (project) -> problems


_rules: dict[str, ProjectGateRule] = {}


def project_gate_rule_register(rule: ProjectGateRule) -> None:
    _rules[rule.code] = rule


def project_gate_problems(project, to_status: str) -> list[str]:
    problems = []
    for rule in _rules.values():
        if to_status in rule.to_statuses:
            problems.extend(rule.check(project))
    return problems


class ProjectGateRefused(RuleViolation):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems
