"""API views for challenges and ideas: submit, review (decline, merge), and accept an idea as
an experiment."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.helpers import validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable

from .. import access, selectors, services
from ..models import Challenge, Idea
from ..services.pipeline import CHALLENGE_FIELDS
from .base import does_not_exist, record_changeable, renamed_errors
from .experiments import ExperimentOut

# --- serializers ----------------------------------------------------------------------------


class ChallengeOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner_email = serializers.EmailField(source="owner.email", read_only=True, allow_null=True)

    class Meta:
        model = Challenge
        fields = [
            "id",
            "organisation",
            "title",
            "problem_statement",
            "owner_email",
            "visibility",
            "opens_on",
            "closes_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


CHALLENGE_INPUT = [name for name in CHALLENGE_FIELDS if name != "owner"]


class ChallengeIn(CamelModelSerializer):
    """The fields a client may set; the owner is the person who creates it."""

    class Meta:
        model = Challenge
        fields = CHALLENGE_INPUT


class ChallengeUpdateIn(ChallengeIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")

    class Meta(ChallengeIn.Meta):
        fields = ["version", *CHALLENGE_INPUT]
        extra_kwargs = {name: {"required": False} for name in CHALLENGE_INPUT}


class ChallengeFiltersIn(CamelSerializer):
    visibility = serializers.ChoiceField(choices=Challenge.Visibility.choices, required=False)
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Part of the title"
    )


class IdeaOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author_email = serializers.EmailField(source="author.email", read_only=True, allow_null=True)

    class Meta:
        model = Idea
        fields = [
            "id",
            "organisation",
            "challenge",
            "title",
            "description",
            "source",
            "author_email",
            "author_name",
            "status",
            "status_reason",
            "merged_into",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


IDEA_INPUT = ["title", "description", "challenge", "author_name", "source"]


class IdeaIn(CamelModelSerializer):
    """``challenge`` is the id of a challenge of the same organisation; the author is the
    person who submits it (``authorName`` names somebody from outside, for a proposal
    received another way)."""

    class Meta:
        model = Idea
        fields = IDEA_INPUT
        extra_kwargs = {"challenge": {"error_messages": does_not_exist("challenge")}}

    def get_fields(self):
        fields = super().get_fields()
        if "challenges" in self.context:
            fields["challenge"].queryset = self.context["challenges"]
        return fields


class IdeaUpdateIn(IdeaIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")

    class Meta(IdeaIn.Meta):
        fields = ["version", *IDEA_INPUT]
        extra_kwargs = {
            name: {"required": False, **IdeaIn.Meta.extra_kwargs.get(name, {})}
            for name in IDEA_INPUT
        }


REVIEW_STATUSES = [Idea.Status.UNDER_REVIEW, Idea.Status.DECLINED, Idea.Status.MERGED]


class IdeaReviewIn(CamelSerializer):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in REVIEW_STATUSES],
        help_text="Accepting is its own endpoint: POST /ideas/{id}/accept.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4000,
        help_text="Required to decline or merge; the author sees it.",
    )
    merged_into = serializers.PrimaryKeyRelatedField(
        queryset=Idea.objects.none(),
        required=False,
        allow_null=True,
        error_messages=does_not_exist("idea"),
        help_text="Id of the idea of the same organisation it is merged into.",
    )

    def get_fields(self):
        fields = super().get_fields()
        if "ideas" in self.context:
            fields["mergedInto"].queryset = self.context["ideas"]
        return fields


class IdeaAcceptIn(CamelSerializer):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")
    owner_team = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The innovation team that runs the experiment; you become its owner.",
    )


class IdeaFiltersIn(CamelSerializer):
    status = serializers.ChoiceField(choices=Idea.Status.choices, required=False)
    challenge = serializers.IntegerField(required=False, help_text="Id of the challenge")
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Part of the title"
    )


# --- challenges -----------------------------------------------------------------------------


@extend_schema(tags=["challenges"])
class ChallengeListApi(generics.GenericAPIView):
    serializer_class = ChallengeOut

    @extend_schema(
        operation_id="challenges_list",
        parameters=[ChallengeFiltersIn],
        responses={200: ChallengeOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        filters = validated(ChallengeFiltersIn, request.query_params)
        page = self.paginate_queryset(selectors.challenges_filtered(organisation, **filters))
        return self.get_paginated_response(ChallengeOut(page, many=True).data)

    @extend_schema(
        operation_id="challenges_create", request=ChallengeIn, responses={201: ChallengeOut}
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.pipeline_can_change)
        data = validated(ChallengeIn, request.data)
        challenge = services.challenge_create(
            actor=request.user, organisation=organisation, owner=request.user, **data
        )
        return Response(ChallengeOut(challenge).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["challenges"])
class ChallengeDetailApi(generics.GenericAPIView):
    serializer_class = ChallengeOut

    @extend_schema(operation_id="challenges_read")
    def get(self, request, pk):
        return Response(ChallengeOut(access.challenge_get_readable(request.user, pk)).data)

    @extend_schema(
        operation_id="challenges_update", request=ChallengeUpdateIn, responses={200: ChallengeOut}
    )
    def patch(self, request, pk):
        challenge = record_changeable(request, access.challenge_get_readable(request.user, pk))
        data = validated(ChallengeUpdateIn, request.data)
        challenge = services.challenge_update(
            actor=request.user, challenge=challenge, expected_version=data.pop("version"), **data
        )
        return Response(ChallengeOut(challenge).data)


# --- ideas ----------------------------------------------------------------------------------


@extend_schema(tags=["ideas"])
class IdeaListApi(generics.GenericAPIView):
    serializer_class = IdeaOut

    @extend_schema(
        operation_id="ideas_list", parameters=[IdeaFiltersIn], responses={200: IdeaOut(many=True)}
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        filters = validated(IdeaFiltersIn, request.query_params)
        page = self.paginate_queryset(
            selectors.ideas_filtered(
                organisation,
                statuses=[filters["status"]] if "status" in filters else (),
                challenge=filters.get("challenge"),
                search=filters.get("search", ""),
            )
        )
        return self.get_paginated_response(IdeaOut(page, many=True).data)

    @extend_schema(operation_id="ideas_create", request=IdeaIn, responses={201: IdeaOut})
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.pipeline_can_change)
        data = validated(
            IdeaIn, request.data, challenges=selectors.challenges_choosable(organisation)
        )
        idea = services.idea_submit(
            actor=request.user, organisation=organisation, author=request.user, **data
        )
        return Response(IdeaOut(idea).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["ideas"])
class IdeaDetailApi(generics.GenericAPIView):
    serializer_class = IdeaOut

    @extend_schema(operation_id="ideas_read")
    def get(self, request, pk):
        return Response(IdeaOut(access.idea_get_readable(request.user, pk)).data)

    @extend_schema(operation_id="ideas_update", request=IdeaUpdateIn, responses={200: IdeaOut})
    def patch(self, request, pk):
        idea = record_changeable(request, access.idea_get_readable(request.user, pk))
        data = validated(
            IdeaUpdateIn, request.data, challenges=selectors.challenges_choosable(idea.organisation)
        )
        idea = services.idea_update(
            actor=request.user, idea=idea, expected_version=data.pop("version"), **data
        )
        return Response(IdeaOut(idea).data)


@extend_schema(tags=["ideas"])
class IdeaReviewApi(generics.GenericAPIView):
    serializer_class = IdeaOut
    pagination_class = None

    @extend_schema(
        operation_id="ideas_review",
        description="Put the idea under review, decline it or merge it into another idea.",
        request=IdeaReviewIn,
        responses={200: IdeaOut},
    )
    def post(self, request, pk):
        idea = record_changeable(request, access.idea_get_readable(request.user, pk))
        data = validated(
            IdeaReviewIn, request.data, ideas=selectors.ideas_choosable(idea.organisation)
        )
        try:
            idea = services.idea_review(
                actor=request.user,
                idea=idea,
                expected_version=data["version"],
                status=data["status"],
                reason=data.get("reason", ""),
                merged_into=data.get("merged_into"),
            )
        except DjangoValidationError as error:
            raise renamed_errors(error, {"status_reason": "reason"}) from None
        return Response(IdeaOut(idea).data)


@extend_schema(tags=["ideas"])
class IdeaAcceptApi(generics.GenericAPIView):
    serializer_class = ExperimentOut
    pagination_class = None

    @extend_schema(
        operation_id="ideas_accept",
        description="Turn the idea into an experiment in the idea stage; answers the experiment.",
        request=IdeaAcceptIn,
        responses={201: ExperimentOut},
    )
    def post(self, request, pk):
        idea = record_changeable(request, access.idea_get_readable(request.user, pk))
        data = validated(IdeaAcceptIn, request.data)
        experiment = services.idea_accept(
            actor=request.user,
            idea=idea,
            expected_version=data["version"],
            owner=request.user,
            owner_team=data.get("owner_team", ""),
        )
        return Response(ExperimentOut(experiment).data, status=status.HTTP_201_CREATED)
