"""Writes of the maturity scan: create and close a round, a participant's answers, and an
improvement action that becomes a challenge in the innovation pipeline. Each is atomic and
checks its rules before anything is stored."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.common.history import save_with_history
from omslag.common.records import record_update
from omslag.innovation import services as innovation_services
from omslag.organisations.models import Organisation

from . import results, selectors
from .models import Answer, ImprovementAction, Participant, ScanRound
from .scan import EVIDENCE_MAX, SCORES, current_scan


class AnswersInvalid(RuleViolation):
    """Answers that do not fit; ``problems`` maps a statement code to the reason."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(
            _("Some answers are not valid; nothing was saved.")
            + " "
            + " ".join(f"{code}: {reason}" for code, reason in problems.items())
        )
        self.problems = problems


@dataclass(frozen=True)
class AnswerInput:
    statement: str
    score: object
    evidence: str


@transaction.atomic
def round_create(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    participants: Iterable[Any] | None = None,
) -> ScanRound:
    """A new open round; participants default to the board members of the organisation.
    Participants must have a role on the organisation (or above it)."""
    candidates = {p.pk: p for p in selectors.candidate_participants(organisation)}
    chosen = (
        list(participants) if participants is not None else selectors.board_members(organisation)
    )
    strangers = [p for p in chosen if p.pk not in candidates]
    if strangers:
        raise RuleViolation(
            _("Participants need a role in %(org)s: %(people)s.")
            % {"org": organisation.name, "people": ", ".join(str(p) for p in strangers)}
        )
    if not chosen:
        raise RuleViolation(
            _("A round needs participants: give people the board role, or choose them.")
        )
    scan_round = ScanRound(
        organisation=organisation,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        scan_version=current_scan().version,
    )
    save_with_history(scan_round, actor=actor, reason="round created")
    Participant.objects.bulk_create(
        [Participant(round=scan_round, person=p) for p in {p.pk: p for p in chosen}.values()]
    )
    return scan_round


@transaction.atomic
def round_close(
    *, actor: Any, scan_round: ScanRound, expected_version: int | None = None
) -> ScanRound:
    if scan_round.status == ScanRound.Status.CLOSED:
        raise RuleViolation(_("This round is already closed."))
    return record_update(
        scan_round,
        actor=actor,
        expected_version=expected_version or scan_round.version,
        allowed=("status", "closed_on"),
        changes={
            "status": ScanRound.Status.CLOSED,
            "closed_on": min(timezone.localdate(), scan_round.closes_on),
        },
    )


def _answer_problems(answers: list[AnswerInput]) -> dict[str, str]:
    statements = {s.code for s in current_scan().statements}
    given: dict[str, AnswerInput] = {}
    problems: dict[str, str] = {}
    for answer in answers:
        if answer.statement not in statements:
            problems[answer.statement or "?"] = _("unknown statement")
            continue
        if answer.statement in given:
            problems[answer.statement] = _("answered twice")
        given[answer.statement] = answer
    for code in sorted(statements):
        found = given.get(code)
        if found is None:
            problems.setdefault(code, _("a score from 1 to 5 and evidence are required"))
            continue
        # A score is a whole number from 1 to 5 as typed ("3", " 3 "), or the number itself.
        if str(found.score).strip() not in {str(s) for s in SCORES}:
            problems[code] = _("the score must be a whole number from 1 to 5")
        elif not (found.evidence or "").strip():
            problems[code] = _("evidence is required: say briefly what the score is based on")
        elif len(found.evidence.strip()) > EVIDENCE_MAX:
            problems[code] = _("the evidence is longer than %(max)d characters") % {
                "max": EVIDENCE_MAX
            }
    return problems


@transaction.atomic
def answers_submit(
    *, actor: Any, scan_round: ScanRound, answers: list[AnswerInput]
) -> list[Answer]:
    """Store (or replace) the participant's answers to every statement, all or nothing."""
    if not Participant.objects.filter(round=scan_round, person=actor).exists():
        raise RuleViolation(_("You do not take part in this round."))
    # Lock the round so that a close in another process waits for these answers, or wins.
    scan_round = ScanRound.objects.select_for_update().get(pk=scan_round.pk)
    today = timezone.localdate()
    if scan_round.is_closed(today):
        raise RuleViolation(_("This round is closed; answers can no longer be given or changed."))
    if today < scan_round.opens_on:
        raise RuleViolation(
            _("This round opens on %(date)s.") % {"date": scan_round.opens_on.isoformat()}
        )
    problems = _answer_problems(answers)
    if problems:
        raise AnswersInvalid(problems)
    Answer.objects.filter(round=scan_round, person=actor).delete()
    now = timezone.now()
    return Answer.objects.bulk_create(
        [
            Answer(
                round=scan_round,
                person=actor,
                statement=a.statement,
                score=int(str(a.score)),
                evidence=a.evidence.strip(),
                answered_at=now,
            )
            for a in answers
        ]
    )


@transaction.atomic
def improvement_action_create(
    *, actor: Any, scan_round: ScanRound, dimension: str
) -> ImprovementAction:
    """Turn a low-scoring dimension of a closed round into a challenge of the pipeline."""
    today = timezone.localdate()
    if not scan_round.is_closed(today):
        raise RuleViolation(_("Improvement actions follow from closed rounds only."))
    found = next(
        (d for d in selectors.round_results(scan_round).dimensions if d.code == dimension), None
    )
    if found is None:
        raise RuleViolation(_("Unknown dimension: %(code)s.") % {"code": dimension})
    if found.median is None or found.median >= results.LOW_MEDIAN:
        raise RuleViolation(
            _("Only a dimension with a median below %(low)s becomes an improvement action.")
            % {"low": f"{results.LOW_MEDIAN:g}"}
        )
    challenge = innovation_services.challenge_create(
        actor=actor,
        organisation=scan_round.organisation,
        title=_("Improve: %(dimension)s") % {"dimension": found.label},
        problem_statement=_(
            "The maturity scan %(round)s scored %(dimension)s at a median of %(median)s out "
            "of 5. What would raise it?"
        )
        % {"round": scan_round.title, "dimension": found.label, "median": f"{found.median:g}"},
        owner=actor,
        opens_on=today,
    )
    return ImprovementAction.objects.create(
        round=scan_round, dimension=dimension, challenge=challenge, created_by=actor
    )
