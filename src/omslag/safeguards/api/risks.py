"""Risks of an assessment and their mitigations."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from omslag.common.access import require
from omslag.common.api.helpers import VersionIn, validated
from omslag.common.api.serializers import CamelModelSerializer

from .. import access, selectors, services
from ..models import Mitigation, Risk


class MitigationOut(CamelModelSerializer):
    class Meta:
        model = Mitigation
        fields = [
            "id",
            "risk",
            "description",
            "owner",
            "due_date",
            "status",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RiskOut(CamelModelSerializer):
    mitigations = MitigationOut(many=True, read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "assessment",
            "description",
            "likelihood",
            "impact",
            "score",
            "owner",
            "mitigations",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RiskIn(CamelModelSerializer):
    class Meta:
        model = Risk
        fields = list(services.assessments.RISK_FIELDS)


class RiskUpdateIn(RiskIn):
    class Meta(RiskIn.Meta):
        fields = ["version", *services.assessments.RISK_FIELDS]
        extra_kwargs = {name: {"required": False} for name in services.assessments.RISK_FIELDS}

    version = VersionIn().fields["version"]


class MitigationIn(CamelModelSerializer):
    class Meta:
        model = Mitigation
        fields = list(services.assessments.MITIGATION_FIELDS)


class MitigationUpdateIn(MitigationIn):
    class Meta(MitigationIn.Meta):
        fields = ["version", *services.assessments.MITIGATION_FIELDS]
        extra_kwargs = {n: {"required": False} for n in services.assessments.MITIGATION_FIELDS}

    version = VersionIn().fields["version"]


@extend_schema(tags=["safeguards"])
class RiskListApi(generics.GenericAPIView):
    serializer_class = RiskOut
    pagination_class = None

    @extend_schema(operation_id="assessment_risks_list", responses={200: RiskOut(many=True)})
    def get(self, request, pk):
        assessment = access.assessment_get_readable(request.user, pk)
        return Response(RiskOut(selectors.risks_of(assessment), many=True).data)

    @extend_schema(operation_id="assessment_risks_create", request=RiskIn, responses={201: RiskOut})
    def post(self, request, pk):
        assessment = access.assessment_get_readable(request.user, pk)
        require(access.assessment_can_manage_risks(request.user, assessment))
        data = validated(RiskIn, request.data)
        risk = services.risk_create(actor=request.user, assessment=assessment, **data)
        return Response(RiskOut(risk).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["safeguards"])
class RiskDetailApi(generics.GenericAPIView):
    serializer_class = RiskOut

    @extend_schema(operation_id="risks_read")
    def get(self, request, pk):
        return Response(RiskOut(access.risk_get_readable(request.user, pk)).data)

    @extend_schema(operation_id="risks_update", request=RiskUpdateIn, responses={200: RiskOut})
    def patch(self, request, pk):
        risk = access.risk_get_readable(request.user, pk)
        require(access.assessment_can_manage_risks(request.user, risk.assessment))
        data = validated(RiskUpdateIn, request.data)
        risk = services.risk_update(
            actor=request.user, risk=risk, expected_version=data.pop("version", None), **data
        )
        return Response(RiskOut(risk).data)

    @extend_schema(
        operation_id="risks_delete",
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("version", int, description="The version you read")],
    )
    def delete(self, request, pk):
        risk = access.risk_get_readable(request.user, pk)
        require(access.assessment_can_manage_risks(request.user, risk.assessment))
        data = validated(VersionIn, request.query_params)
        services.risk_delete(actor=request.user, risk=risk, expected_version=data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["safeguards"])
class MitigationListApi(generics.GenericAPIView):
    serializer_class = MitigationOut
    pagination_class = None

    @extend_schema(operation_id="risk_mitigations_list", responses={200: MitigationOut(many=True)})
    def get(self, request, pk):
        risk = access.risk_get_readable(request.user, pk)
        return Response(MitigationOut(risk.mitigations.all(), many=True).data)

    @extend_schema(
        operation_id="risk_mitigations_create",
        request=MitigationIn,
        responses={201: MitigationOut},
        description="Status approved only by a safeguard officer who is not the "
        "assessment's author (else 403).",
    )
    def post(self, request, pk):
        risk = access.risk_get_readable(request.user, pk)
        require(access.assessment_can_manage_risks(request.user, risk.assessment))
        data = validated(MitigationIn, request.data)
        require(access.mitigation_can_set(request.user, risk, status=data.get("status")))
        mitigation = services.mitigation_create(actor=request.user, risk=risk, **data)
        return Response(MitigationOut(mitigation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["safeguards"])
class MitigationDetailApi(generics.GenericAPIView):
    serializer_class = MitigationOut

    @extend_schema(operation_id="mitigations_read")
    def get(self, request, pk):
        return Response(MitigationOut(access.mitigation_get_readable(request.user, pk)).data)

    @extend_schema(
        operation_id="mitigations_update",
        request=MitigationUpdateIn,
        responses={200: MitigationOut},
    )
    def patch(self, request, pk):
        mitigation = access.mitigation_get_readable(request.user, pk)
        require(access.assessment_can_manage_risks(request.user, mitigation.risk.assessment))
        data = validated(MitigationUpdateIn, request.data)
        new_status = data.get("status", mitigation.status)
        changed = new_status if new_status != mitigation.status else None
        require(access.mitigation_can_set(request.user, mitigation.risk, status=changed))
        mitigation = services.mitigation_update(
            actor=request.user,
            mitigation=mitigation,
            expected_version=data.pop("version", None),
            **data,
        )
        return Response(MitigationOut(mitigation).data)
