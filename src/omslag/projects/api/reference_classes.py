"""API views for reference classes: sets of (earlier, later) estimates of historical projects,
the organisation's own, its ancestors' and the one shipped with omslag."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.analysis.projects import MIN_PAIRS
from omslag.common.api.helpers import validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable

from .. import access, selectors, services
from ..models import ReferenceClass, ReferencePair


class ReferenceClassOut(CamelModelSerializer):
    """A set of (earlier, later) estimate pairs of historical projects. Without an
    organisation it is shipped with omslag, for everyone to use."""

    organisation = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Empty: shipped."
    )
    pair_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReferenceClass
        fields = [
            "id",
            "organisation",
            "name",
            "kind",
            "origin",
            "source",
            "limits",
            "pair_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PairOut(CamelModelSerializer):
    class Meta:
        model = ReferencePair
        fields = ["earlier", "later", "size", "label"]
        read_only_fields = fields


class RatiosOut(CamelSerializer):
    """The later/earlier ratios of the class: deciles by numpy's linear method."""

    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    p10 = serializers.FloatField(allow_null=True)
    p20 = serializers.FloatField(allow_null=True)
    p30 = serializers.FloatField(allow_null=True)
    p40 = serializers.FloatField(allow_null=True)
    p50 = serializers.FloatField(allow_null=True)
    p60 = serializers.FloatField(allow_null=True)
    p70 = serializers.FloatField(allow_null=True)
    p80 = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)
    share_overrun_50_percent = serializers.FloatField(
        allow_null=True,
        help_text="Share (0 to 1) of the pairs whose later estimate is 1.5 times the earlier "
        "one or more.",
    )


class ReferenceClassDetailOut(ReferenceClassOut):
    pairs = PairOut(many=True, read_only=True)
    ratios = serializers.SerializerMethodField(method_name="ratio_summary")

    class Meta(ReferenceClassOut.Meta):
        fields = [*ReferenceClassOut.Meta.fields, "pairs", "ratios"]
        read_only_fields = fields

    @extend_schema_field(RatiosOut)
    def ratio_summary(self, reference_class) -> dict:
        return RatiosOut(self.context["ratios"]).data


class PairIn(CamelSerializer):
    earlier = serializers.FloatField(help_text="The earlier estimate; above 0.")
    later = serializers.FloatField(help_text="The later estimate (or outturn); not negative.")
    size = serializers.FloatField(
        required=False, allow_null=True, help_text="For size bands; empty: the earlier one."
    )
    label = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReferenceClassIn(CamelSerializer):
    """A class from pairs; one with the same name of this organisation is replaced."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(
        choices=ReferenceClass.Kind.choices, default=ReferenceClass.Kind.COST
    )
    source = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    limits = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    pairs = PairIn(
        many=True,
        max_length=100_000,
        help_text=f"At least {MIN_PAIRS}; fewer is too little to forecast (422).",
    )


class ReferenceClassBuildIn(CamelSerializer):
    name = serializers.CharField(max_length=200)


def _class_response(reference_class, status_code=status.HTTP_200_OK) -> Response:
    detailed = selectors.reference_class_with_pairs(reference_class)
    ratios = selectors.ratio_summary(detailed)
    return Response(
        ReferenceClassDetailOut(detailed, context={"ratios": ratios}).data, status=status_code
    )


def _saved_response(reference_class) -> Response:
    """201 for a new class, 200 when one of the same name was replaced (its version rose)."""
    created = reference_class.version == 1
    return _class_response(
        reference_class, status.HTTP_201_CREATED if created else status.HTTP_200_OK
    )


@extend_schema(tags=["reference-classes"])
class ReferenceClassListApi(generics.GenericAPIView):
    serializer_class = ReferenceClassOut

    @extend_schema(
        operation_id="reference_classes_list",
        description="The classes this organisation may use: its own, its ancestors', shipped.",
        responses={200: ReferenceClassOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        services.reference_class_shipped()  # created on first use
        page = self.paginate_queryset(selectors.reference_classes_usable(organisation))
        return self.get_paginated_response(ReferenceClassOut(page, many=True).data)

    @extend_schema(
        operation_id="reference_classes_create",
        description="Create a class from pairs, or replace the one of this name (200).",
        request=ReferenceClassIn,
        responses={201: ReferenceClassDetailOut, 200: ReferenceClassDetailOut},
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.projects_can_change)
        data = validated(ReferenceClassIn, request.data)
        saved = services.reference_class_save(
            actor=request.user,
            organisation=organisation,
            name=data["name"],
            kind=data["kind"],
            source=data.get("source", ""),
            limits=data.get("limits", ""),
            origin=ReferenceClass.Origin.FILE,
            pairs=[
                (pair["earlier"], pair["later"], pair.get("size"), pair.get("label", ""))
                for pair in data["pairs"]
            ],
        )
        return _saved_response(saved)


@extend_schema(tags=["reference-classes"])
class ReferenceClassBuildApi(generics.GenericAPIView):
    serializer_class = ReferenceClassDetailOut

    @extend_schema(
        operation_id="reference_classes_build",
        description=(
            "Build (or rebuild) a cost class from the projects of this organisation and those "
            "below it: the first against the latest report of each project with two or more."
        ),
        request=ReferenceClassBuildIn,
        responses={201: ReferenceClassDetailOut, 200: ReferenceClassDetailOut},
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.projects_can_change)
        data = validated(ReferenceClassBuildIn, request.data)
        built = services.reference_class_build_from_projects(
            actor=request.user, organisation=organisation, name=data["name"]
        )
        return _saved_response(built)


@extend_schema(tags=["reference-classes"])
class ReferenceClassDetailApi(generics.GenericAPIView):
    serializer_class = ReferenceClassDetailOut

    @extend_schema(operation_id="reference_classes_read")
    def get(self, request, pk):
        return _class_response(access.reference_class_get_readable(request.user, pk))
