"""API views of the maturity scan: validate input, ask access, call one service or selector,
serialise. The same privacy rules as the pages: own answers only, results after closing."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from omslag.common.access import require
from omslag.common.api.helpers import validated
from omslag.common.api.problems import problem_response
from omslag.organisations.access import organisation_get_readable

from .. import access, results, selectors, services
from ..scan import current_scan
from .serializers import (
    MaturityAnswerOut,
    MaturityAnswersIn,
    MaturityCloseIn,
    MaturityImprovementActionIn,
    MaturityImprovementActionOut,
    MaturityPeersOut,
    MaturityResultsOut,
    MaturityRoundIn,
    MaturityRoundOut,
    MaturityScanOut,
)


def _round_out(scan_round) -> dict:
    today = timezone.localdate()
    scan_round.effective_status = "closed" if scan_round.is_closed(today) else "open"
    scan_round.effective_closed_on = scan_round.closed_date(today)
    scan_round.participant_people = selectors.round_participants(scan_round)
    scan_round.respondent_total = selectors.round_respondent_count(scan_round)
    return MaturityRoundOut(scan_round).data


def _answers_out(scan_round, person) -> list:
    dimension_of = {s.code: s.dimension for s in current_scan().statements}
    answers = sorted(selectors.answers_of(scan_round, person).values(), key=lambda a: a.statement)
    for answer in answers:
        answer.dimension = dimension_of.get(answer.statement, "")
    return MaturityAnswerOut(answers, many=True).data


@extend_schema(tags=["maturity"])
class ScanApi(generics.GenericAPIView):
    serializer_class = MaturityScanOut
    pagination_class = None

    @extend_schema(operation_id="maturity_scan", description="The dimensions and statements.")
    def get(self, request):
        return Response(MaturityScanOut(current_scan()).data)


@extend_schema(tags=["maturity"])
class RoundListApi(generics.GenericAPIView):
    serializer_class = MaturityRoundOut
    pagination_class = None

    @extend_schema(
        operation_id="maturity_rounds_list", responses={200: MaturityRoundOut(many=True)}
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        return Response([_round_out(r) for r in selectors.rounds_of(organisation)])

    @extend_schema(
        operation_id="maturity_rounds_create",
        description="Administrators of the organisation open a round.",
        request=MaturityRoundIn,
        responses={201: MaturityRoundOut},
    )
    def post(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        require(access.round_can_manage(request.user, organisation))
        data = dict(validated(MaturityRoundIn, request.data))
        ids = data.pop("participants", None)
        participants = None
        if ids is not None:
            found = {p.pk: p for p in get_user_model().objects.filter(pk__in=ids)}
            unknown = [str(i) for i in ids if i not in found]
            if unknown:
                return problem_response(
                    request, 422, _("Unknown people: %(ids)s.") % {"ids": ", ".join(unknown)}
                )
            participants = list(found.values())
        scan_round = services.round_create(
            actor=request.user, organisation=organisation, participants=participants, **data
        )
        return Response(_round_out(scan_round), status=status.HTTP_201_CREATED)


@extend_schema(tags=["maturity"])
class RoundDetailApi(generics.GenericAPIView):
    serializer_class = MaturityRoundOut

    @extend_schema(operation_id="maturity_rounds_read")
    def get(self, request, pk):
        return Response(_round_out(access.round_get_readable(request.user, pk)))


@extend_schema(tags=["maturity"])
class RoundCloseApi(generics.GenericAPIView):
    serializer_class = MaturityRoundOut

    @extend_schema(
        operation_id="maturity_rounds_close",
        request=MaturityCloseIn,
        responses={200: MaturityRoundOut},
    )
    def post(self, request, pk):
        scan_round = access.round_get_readable(request.user, pk)
        require(access.round_can_manage(request.user, scan_round.organisation))
        data = validated(MaturityCloseIn, request.data)
        scan_round = services.round_close(
            actor=request.user, scan_round=scan_round, expected_version=data.get("version")
        )
        return Response(_round_out(scan_round))


@extend_schema(tags=["maturity"])
class OwnAnswersApi(generics.GenericAPIView):
    serializer_class = MaturityAnswerOut
    pagination_class = None

    @extend_schema(
        operation_id="maturity_answers_own",
        description="Your own answers; nobody else's are ever given.",
        responses={200: MaturityAnswerOut(many=True)},
    )
    def get(self, request, pk):
        scan_round = access.round_get_readable(request.user, pk)
        access.answers_get_readable(request.user, scan_round, request.user.pk)
        return Response(_answers_out(scan_round, request.user))

    @extend_schema(
        operation_id="maturity_answers_put",
        description="Give or replace your answers to every statement while the round is open; "
        "all or nothing.",
        request=MaturityAnswersIn,
        responses={200: MaturityAnswerOut(many=True)},
    )
    def put(self, request, pk):
        scan_round = access.round_get_readable(request.user, pk)
        access.answers_get_readable(request.user, scan_round, request.user.pk)
        data = validated(MaturityAnswersIn, request.data)
        services.answers_submit(
            actor=request.user,
            scan_round=scan_round,
            answers=[services.AnswerInput(**a) for a in data["answers"]],
        )
        return Response(_answers_out(scan_round, request.user))


@extend_schema(tags=["maturity"])
class ParticipantAnswersApi(generics.GenericAPIView):
    serializer_class = MaturityAnswerOut
    pagination_class = None

    @extend_schema(
        operation_id="maturity_answers_of_participant",
        description="A participant's answers: only for that participant themselves (404 "
        "for anyone else).",
        responses={200: MaturityAnswerOut(many=True)},
    )
    def get(self, request, pk, personId):
        scan_round = access.round_get_readable(request.user, pk)
        access.answers_get_readable(request.user, scan_round, personId)
        return Response(_answers_out(scan_round, request.user))


@extend_schema(tags=["maturity"])
class ResultsApi(generics.GenericAPIView):
    serializer_class = MaturityResultsOut

    @extend_schema(
        operation_id="maturity_results",
        description="Per dimension after the round closed (409 while it is open).",
    )
    def get(self, request, pk):
        scan_round = access.round_get_readable(request.user, pk)
        if not scan_round.is_closed():
            return problem_response(request, 409, _("The results are shown once the round closes."))
        found = selectors.round_results(scan_round)
        dimensions = [
            {
                **d.__dict__,
                "trend": [p.__dict__ for p in found.trends.get(d.code, [])],
                "challenges": [a.challenge_id for a in found.actions.get(d.code, [])],
            }
            for d in found.dimensions
        ]
        return Response(
            MaturityResultsOut(
                {
                    "round_id": scan_round.pk,
                    "respondents": found.respondents,
                    "spread_shown": found.spread_shown,
                    "dimensions": dimensions,
                }
            ).data
        )


@extend_schema(tags=["maturity"])
class PeersApi(generics.GenericAPIView):
    serializer_class = MaturityPeersOut

    @extend_schema(
        operation_id="maturity_peers",
        description="Median over other organisations of the same kind, only when at least "
        "five contributed; never a single organisation's figures.",
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        comparison = selectors.peer_comparison(organisation)
        message = (
            ""
            if comparison.shown
            else _(
                "Not shown: %(count)s other organisation(s) of this kind have a closed round; "
                "at least %(minimum)s are needed so that no single organisation's figures can "
                "be read."
            )
            % {"count": comparison.contributors, "minimum": results.MIN_PEERS}
        )
        return Response(
            MaturityPeersOut(
                {
                    "kind": comparison.kind,
                    "contributors": comparison.contributors,
                    "minimum_contributors": results.MIN_PEERS,
                    "shown": comparison.shown,
                    "message": message,
                    "dimensions": [d.__dict__ for d in comparison.dimensions],
                }
            ).data
        )


@extend_schema(tags=["maturity"])
class ImprovementActionApi(generics.GenericAPIView):
    serializer_class = MaturityImprovementActionOut

    @extend_schema(
        operation_id="maturity_improvement_actions_create",
        description="Board members turn a low-scoring dimension (median below 3) of a closed "
        "round into a challenge of the innovation pipeline.",
        request=MaturityImprovementActionIn,
        responses={201: MaturityImprovementActionOut},
    )
    def post(self, request, pk):
        scan_round = access.round_get_readable(request.user, pk)
        require(access.improvement_can_create(request.user, scan_round.organisation))
        data = validated(MaturityImprovementActionIn, request.data)
        action = services.improvement_action_create(
            actor=request.user, scan_round=scan_round, dimension=data["dimension"]
        )
        return Response(MaturityImprovementActionOut(action).data, status=status.HTTP_201_CREATED)
