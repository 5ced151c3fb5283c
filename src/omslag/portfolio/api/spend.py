"""API views for spend lines and the organisation's spend targets."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.detail import VersionedDetailApi, versioned_detail_schema
from omslag.common.api.helpers import money, validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable

from .. import access, selectors, services
from ..models import YEAR_MAX, YEAR_MIN, SpendLine, SpendTarget
from .base import application_does_not_exist

# --- serializers --------------------------------------------------------------------------


class SpendLineOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    amount = money(read_only=True)
    application_name = serializers.CharField(
        source="application.name", read_only=True, allow_null=True
    )

    class Meta:
        model = SpendLine
        fields = [
            "id",
            "organisation",
            "year",
            "amount",
            "kind",
            "category",
            "cost_type",
            "application",
            "application_name",
            "pays_for",
            "description",
            "reference",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SpendLineIn(CamelModelSerializer):
    """The fields a client may set; their limits come from the model. ``application`` is the
    id of an application of the same organisation."""

    amount = money(max_digits=14, min_value=0, help_text='Euro, not negative: "1234.50".')

    class Meta:
        model = SpendLine
        fields = list(services.SPEND_LINE_FIELDS)
        extra_kwargs = {"application": {"error_messages": application_does_not_exist()}}

    def get_fields(self):
        fields = super().get_fields()
        if "applications" in self.context:
            fields["application"].queryset = self.context["applications"]
        return fields


class SpendLineUpdateIn(SpendLineIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")
    amount = money(max_digits=14, min_value=0, required=False)

    class Meta(SpendLineIn.Meta):
        fields = ["version", *services.SPEND_LINE_FIELDS]
        extra_kwargs = {
            name: {"required": False, **SpendLineIn.Meta.extra_kwargs.get(name, {})}
            for name in services.SPEND_LINE_FIELDS
        }


class SpendLineFiltersIn(CamelSerializer):
    year = serializers.IntegerField(required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    kind = serializers.ChoiceField(choices=SpendLine.Kind.choices, required=False)
    category = serializers.ChoiceField(choices=SpendLine.Category.choices, required=False)


def _percent(**kwargs) -> serializers.DecimalField:
    # Percentages are numbers in the API (70.5); only euro amounts are strings.
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        coerce_to_string=False,
        allow_null=True,
        **kwargs,
    )


class SpendTargetOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    innovate_min_percent = _percent(read_only=True)
    run_max_percent = _percent(read_only=True)

    class Meta:
        model = SpendTarget
        fields = [
            "id",
            "organisation",
            "target_year",
            "innovate_min_percent",
            "run_max_percent",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SpendTargetIn(CamelSerializer):
    target_year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)
    innovate_min_percent = _percent(required=False, help_text="Innovate at least this share.")
    run_max_percent = _percent(required=False, help_text="Run at most this share.")


class SpendTargetUpdateIn(CamelSerializer):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")
    target_year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)
    innovate_min_percent = _percent(required=False)
    run_max_percent = _percent(required=False)


# --- spend lines --------------------------------------------------------------------------


@extend_schema(tags=["spend"])
class SpendLineListApi(generics.GenericAPIView):
    serializer_class = SpendLineOut

    @extend_schema(
        operation_id="spend_lines_list",
        parameters=[SpendLineFiltersIn],
        responses={200: SpendLineOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        filters = validated(SpendLineFiltersIn, request.query_params)
        page = self.paginate_queryset(selectors.spend_lines_of(organisation, **filters))
        return self.get_paginated_response(SpendLineOut(page, many=True).data)

    @extend_schema(
        operation_id="spend_lines_create", request=SpendLineIn, responses={201: SpendLineOut}
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.portfolio_can_change)
        data = validated(
            SpendLineIn, request.data, applications=selectors.applications_choosable(organisation)
        )
        line = services.spend_line_create(actor=request.user, organisation=organisation, **data)
        return Response(SpendLineOut(line).data, status=status.HTTP_201_CREATED)


@versioned_detail_schema("spend_lines", SpendLineUpdateIn, SpendLineOut)
@extend_schema(tags=["spend"])
class SpendLineDetailApi(VersionedDetailApi):
    serializer_class = SpendLineOut
    update_input = SpendLineUpdateIn

    def readable(self, person, pk):
        return access.spend_line_get_readable(person, pk)

    def can_change(self, person, record):
        return access.record_can_change(person, record)

    def update_context(self, record):
        return {"applications": selectors.applications_choosable(record.organisation)}

    def update(self, actor, record, expected_version, **changes):
        return services.spend_line_update(
            actor=actor, spend_line=record, expected_version=expected_version, **changes
        )

    def remove(self, actor, record, expected_version):
        services.spend_line_delete(
            actor=actor, spend_line=record, expected_version=expected_version
        )


# --- targets ------------------------------------------------------------------------------


@extend_schema(tags=["spend"])
class SpendTargetListApi(generics.GenericAPIView):
    serializer_class = SpendTargetOut

    @extend_schema(operation_id="spend_targets_list", responses={200: SpendTargetOut(many=True)})
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        page = self.paginate_queryset(selectors.spend_targets_of(organisation))
        return self.get_paginated_response(SpendTargetOut(page, many=True).data)

    @extend_schema(
        operation_id="spend_targets_set",
        description=(
            "Set the target for a year: creates it (201), or replaces the bounds of the "
            "target already set for that year (200)."
        ),
        request=SpendTargetIn,
        responses={200: SpendTargetOut, 201: SpendTargetOut},
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.portfolio_can_change)
        data = validated(SpendTargetIn, request.data)
        target = services.spend_target_set(
            actor=request.user,
            organisation=organisation,
            target_year=data["target_year"],
            innovate_min_percent=data.get("innovate_min_percent"),
            run_max_percent=data.get("run_max_percent"),
        )
        created = target.version == 1  # a replaced target has had its version raised
        return Response(
            SpendTargetOut(target).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@versioned_detail_schema("spend_targets", SpendTargetUpdateIn, SpendTargetOut)
@extend_schema(tags=["spend"])
class SpendTargetDetailApi(VersionedDetailApi):
    serializer_class = SpendTargetOut
    update_input = SpendTargetUpdateIn

    def readable(self, person, pk):
        return access.spend_target_get_readable(person, pk)

    def can_change(self, person, record):
        return access.record_can_change(person, record)

    def update(self, actor, record, expected_version, **changes):
        return services.spend_target_update(
            actor=actor, target=record, expected_version=expected_version, **changes
        )

    def remove(self, actor, record, expected_version):
        services.spend_target_delete(actor=actor, target=record, expected_version=expected_version)
