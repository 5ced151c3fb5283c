"""Pages of the maturity scan. Each view: access check, one service or selector call, render."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from omslag.common import charts
from omslag.common.errors import ConflictError, RuleViolation
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_ancestors

from . import access, results, selectors, services
from .forms import AnswersForm, RoundForm
from .scan import current_scan


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _context(person, organisation, **extra) -> dict:
    return {
        "organisation": organisation,
        "ancestors": organisation_ancestors(organisation),
        "can_manage": access.round_can_manage(person, organisation),
        **extra,
    }


def _round_context(request, scan_round, **extra) -> dict:
    today = timezone.localdate()
    return _context(
        request.user,
        scan_round.organisation,
        scan_round=scan_round,
        closed=scan_round.is_closed(today),
        closed_on=scan_round.closed_date(today),
        is_participant=access.round_is_participant(request.user, scan_round),
        **extra,
    )


@login_required
def round_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    today = timezone.localdate()
    rounds = selectors.rounds_of(organisation)
    for scan_round in rounds:
        scan_round.closed_now = scan_round.is_closed(today)
    return render(
        request, "maturity/round_list.html", _context(request.user, organisation, rounds=rounds)
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_add(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    _require(access.round_can_manage(request.user, organisation))
    form = RoundForm(request.POST or None, organisation=organisation)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                scan_round = services.round_create(
                    actor=request.user,
                    organisation=organisation,
                    participants=list(form.cleaned_data["participants"]),
                    **{k: form.cleaned_data[k] for k in ("title", "opens_on", "closes_on")},
                )
            except RuleViolation as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request, _("The round %(title)s was opened.") % {"title": scan_round.title}
                )
                return redirect("maturity:round", pk=scan_round.pk)
    return render(
        request,
        "maturity/round_form.html",
        _context(request.user, organisation, form=form),
        status=status,
    )


@login_required
def round_detail(request, pk):
    scan_round = access.round_get_readable(request.user, pk)
    return render(
        request,
        "maturity/round_detail.html",
        _round_context(
            request,
            scan_round,
            participants=selectors.round_participants(scan_round),
            respondents=selectors.round_respondent_count(scan_round),
            answered=bool(selectors.answers_of(scan_round, request.user)),
        ),
    )


@login_required
@require_POST
def round_close(request, pk):
    scan_round = access.round_get_readable(request.user, pk)
    _require(access.round_can_manage(request.user, scan_round.organisation))
    try:
        services.round_close(actor=request.user, scan_round=scan_round)
    except (RuleViolation, ConflictError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The round is closed; its results are shown."))
    return redirect("maturity:round", pk=scan_round.pk)


@dataclass
class StatementRow:
    code: str
    text: str
    score: str
    evidence: str
    error: str


def _rows(values: dict, problems: dict) -> list[tuple]:
    scan = current_scan()
    return [
        (
            dimension,
            [
                StatementRow(
                    s.code,
                    s.text,
                    str(values.get(s.code, ("", ""))[0]),
                    values.get(s.code, ("", ""))[1],
                    problems.get(s.code, ""),
                )
                for s in dimension.statements
            ],
        )
        for dimension in scan.dimensions
    ]


@login_required
@require_http_methods(["GET", "POST"])
def answer_form(request, pk):
    scan_round = access.round_get_readable(request.user, pk)
    if not access.round_is_participant(request.user, scan_round):
        # Readers who take no part see the statements, without a form.
        if request.method == "POST":
            raise PermissionDenied
        return render(
            request,
            "maturity/answer_form.html",
            _round_context(request, scan_round, rows=_rows({}, {}), read_only=True),
        )
    if request.method == "POST":
        form = AnswersForm(request.POST)
        if form.is_valid():
            try:
                services.answers_submit(
                    actor=request.user,
                    scan_round=scan_round,
                    answers=[services.AnswerInput(*answer) for answer in form.answers()],
                )
            except services.AnswersInvalid as invalid:
                form.problems_add(invalid.problems)
            except RuleViolation as violation:
                form.add_error(None, violation.message)
            else:
                messages.success(
                    request,
                    _("Your answers were saved. Only you can see them until the round closes."),
                )
                return redirect("maturity:answers", pk=scan_round.pk, person_id=request.user.pk)
    else:
        given = selectors.answers_of(scan_round, request.user)
        form = AnswersForm(
            initial={
                f"{kind}-{code}": value
                for code, answer in given.items()
                for kind, value in (("score", str(answer.score)), ("evidence", answer.evidence))
            }
        )
    return render(
        request,
        "maturity/answer_form.html",
        _round_context(request, scan_round, form=form),
        status=400 if form.errors else 200,
    )


@login_required
def answers_own(request, pk, person_id):
    scan_round = access.round_get_readable(request.user, pk)
    access.answers_get_readable(request.user, scan_round, person_id)
    answers = selectors.answers_of(scan_round, request.user)
    values = {code: (a.score, a.evidence) for code, a in answers.items()}
    return render(
        request,
        "maturity/answers_own.html",
        _round_context(request, scan_round, rows=_rows(values, {}), has_answers=bool(answers)),
    )


@dataclass
class DimensionView:
    result: object
    trend: list
    chart: object
    actions: list
    low: bool


def _trend_chart(label: str, trend) -> charts.Chart:
    image = charts.lines(
        name=f"trend-{label}",
        x=list(range(1, len(trend) + 1)),
        series=[
            charts.Series(
                label=_("Median score"), values=[p.median for p in trend], colour=charts.BLUE
            )
        ],
        reference_lines=[charts.ReferenceLine(results.LOW_MEDIAN, _("low below this"))],
        x_label=_("Round (oldest first)"),
        y_label=_("Median score (1-5)"),
        percent=False,
    )
    summary = "; ".join(f"{p.title}: {p.median:g}" for p in trend)
    alt = _("Line chart of the median score of %(dimension)s per round: %(summary)s.") % {
        "dimension": label,
        "summary": summary,
    }
    return charts.Chart(image, alt, summary)


@login_required
def round_results(request, pk):
    scan_round = access.round_get_readable(request.user, pk)
    if not scan_round.is_closed():
        return render(
            request,
            "maturity/results_not_yet.html",
            _round_context(request, scan_round),
        )
    found = selectors.round_results(scan_round)
    dimensions = [
        DimensionView(
            result=d,
            trend=found.trends.get(d.code, []),
            chart=_trend_chart(d.label, found.trends.get(d.code, [])),
            actions=found.actions.get(d.code, []),
            low=d.median is not None and d.median < results.LOW_MEDIAN,
        )
        for d in found.dimensions
    ]
    return render(
        request,
        "maturity/results.html",
        _round_context(
            request,
            scan_round,
            found=found,
            dimensions=dimensions,
            min_respondents=results.MIN_RESPONDENTS_FOR_SPREAD,
            can_act=access.improvement_can_create(request.user, scan_round.organisation),
        ),
    )


@login_required
@require_POST
def improvement_action_add(request, pk):
    scan_round = access.round_get_readable(request.user, pk)
    _require(access.improvement_can_create(request.user, scan_round.organisation))
    try:
        action = services.improvement_action_create(
            actor=request.user, scan_round=scan_round, dimension=request.POST.get("dimension", "")
        )
    except (RuleViolation, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
        return redirect("maturity:results", pk=scan_round.pk)
    messages.success(
        request,
        _("The challenge %(title)s was added to the innovation pipeline.")
        % {"title": action.challenge.title},
    )
    return redirect("innovation:challenge", pk=action.challenge_id)


@login_required
def peers(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    comparison = selectors.peer_comparison(organisation)
    return render(
        request,
        "maturity/peers.html",
        _context(
            request.user,
            organisation,
            comparison=comparison,
            kind_label=organisation.get_kind_display(),
            min_peers=results.MIN_PEERS,
        ),
    )
