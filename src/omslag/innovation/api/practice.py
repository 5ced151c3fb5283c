"""API views for carrying an experiment into practice: the implementation track in the line
organisation, and the lessons learned (searchable across organisations)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.helpers import validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.portfolio import selectors as portfolio_selectors

from .. import access, selectors, services
from ..models import ImplementationTrack, Lesson
from ..services.pipeline import LESSON_FIELDS, TRACK_FIELDS
from .base import does_not_exist, gate_refused, record_changeable

# --- serializers ----------------------------------------------------------------------------


class TrackOut(CamelModelSerializer):
    class Meta:
        model = ImplementationTrack
        fields = [
            "id",
            "experiment",
            *TRACK_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TrackIn(CamelModelSerializer):
    """The owner sits in the line organisation: a ``ownerUnit`` equal to the experiment's
    team needs ``sameTeamReason``. ``replacesApplication`` is the id of an application of the
    same organisation (one to set to Eliminate)."""

    class Meta:
        model = ImplementationTrack
        fields = list(TRACK_FIELDS)
        extra_kwargs = {"replaces_application": {"error_messages": does_not_exist("application")}}

    def get_fields(self):
        fields = super().get_fields()
        if "applications" in self.context:
            fields["replacesApplication"].queryset = self.context["applications"]
        return fields


class TrackUpdateIn(TrackIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")

    class Meta(TrackIn.Meta):
        fields = ["version", *TRACK_FIELDS]
        extra_kwargs = {
            name: {"required": False, **TrackIn.Meta.extra_kwargs.get(name, {})}
            for name in TRACK_FIELDS
        }


class LessonOut(CamelModelSerializer):
    experiment_title = serializers.CharField(source="experiment.title", read_only=True)
    organisation = serializers.CharField(source="experiment.organisation.slug", read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "experiment",
            "experiment_title",
            "organisation",
            *LESSON_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LessonIn(CamelModelSerializer):
    class Meta:
        model = Lesson
        fields = list(LESSON_FIELDS)


class LessonSearchIn(CamelSerializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words that must all appear (in the lesson or the experiment's title)",
    )


def _track_of(experiment) -> ImplementationTrack:
    track = selectors.implementation_of(experiment)
    if track is None:
        raise Http404("This experiment has no implementation track yet.")
    return track


# --- implementation -------------------------------------------------------------------------


@extend_schema(tags=["implementation"])
class ImplementationApi(generics.GenericAPIView):
    serializer_class = TrackOut
    pagination_class = None

    @extend_schema(operation_id="implementation_read")
    def get(self, request, pk):
        experiment = access.experiment_get_readable(request.user, pk)
        return Response(TrackOut(_track_of(experiment)).data)

    @extend_schema(
        operation_id="implementation_open",
        description=(
            "Open the implementation track after a scale decision; at the decision stage the "
            "experiment moves to implementation. Unmet gate rules answer 422 with `problems`."
        ),
        request=TrackIn,
        responses={201: TrackOut},
    )
    def post(self, request, pk):
        experiment = record_changeable(request, access.experiment_get_readable(request.user, pk))
        data = validated(
            TrackIn,
            request.data,
            applications=portfolio_selectors.applications_choosable(experiment.organisation),
        )
        try:
            track = services.implementation_open(actor=request.user, experiment=experiment, **data)
        except services.GateRefused as refused:
            return gate_refused(request, refused)
        return Response(TrackOut(track).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="implementation_update", request=TrackUpdateIn, responses={200: TrackOut}
    )
    def patch(self, request, pk):
        experiment = record_changeable(request, access.experiment_get_readable(request.user, pk))
        track = _track_of(experiment)
        data = validated(
            TrackUpdateIn,
            request.data,
            applications=portfolio_selectors.applications_choosable(experiment.organisation),
        )
        track = services.implementation_update(
            actor=request.user, track=track, expected_version=data.pop("version"), **data
        )
        return Response(TrackOut(track).data)


# --- lessons --------------------------------------------------------------------------------


@extend_schema(tags=["lessons"])
class ExperimentLessonListApi(generics.GenericAPIView):
    serializer_class = LessonOut

    @extend_schema(operation_id="lessons_of_experiment", responses={200: LessonOut(many=True)})
    def get(self, request, pk):
        experiment = access.experiment_get_readable(request.user, pk)
        page = self.paginate_queryset(selectors.lessons_of(experiment))
        return self.get_paginated_response(LessonOut(page, many=True).data)

    @extend_schema(operation_id="lessons_create", request=LessonIn, responses={201: LessonOut})
    def post(self, request, pk):
        experiment = record_changeable(request, access.experiment_get_readable(request.user, pk))
        data = validated(LessonIn, request.data)
        lesson = services.lesson_add(actor=request.user, experiment=experiment, **data)
        return Response(LessonOut(lesson).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["lessons"])
class LessonSearchApi(generics.GenericAPIView):
    serializer_class = LessonOut

    @extend_schema(
        operation_id="lessons_search",
        description="Lessons of every organisation you may read, newest first.",
        parameters=[LessonSearchIn],
        responses={200: LessonOut(many=True)},
    )
    def get(self, request):
        filters = validated(LessonSearchIn, request.query_params)
        lessons = selectors.lessons_search(request.user, filters.get("search", ""))
        page = self.paginate_queryset(lessons)
        return self.get_paginated_response(LessonOut(page, many=True).data)
