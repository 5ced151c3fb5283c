"""API views for the Algoritmekader: requirements and measures with their links (read only;
imported with ``omslag import algoritmekader DIR``)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from omslag.common.api.helpers import validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer

from .. import selectors
from ..models import Measure, Requirement
from .base import framework_readable


class MeasureRefOut(CamelModelSerializer):
    class Meta:
        model = Measure
        fields = ["key", "urn", "name"]


class RequirementRefOut(CamelModelSerializer):
    class Meta:
        model = Requirement
        fields = ["urn", "name"]


class RequirementOut(CamelModelSerializer):
    measures = MeasureRefOut(many=True, read_only=True)
    phases = serializers.ListField(child=serializers.CharField())
    roles = serializers.ListField(child=serializers.CharField())
    subjects = serializers.ListField(child=serializers.CharField())
    ai_act_profiles = serializers.ListField(
        child=serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        help_text="Each profile: values per attribute (type, riskGroup …) as published; an "
        "empty list means any.",
    )

    class Meta:
        model = Requirement
        fields = [
            "urn",
            "name",
            "description",
            "explanation",
            "url",
            "subjects",
            "phases",
            "roles",
            "always_applicable",
            "ai_act_profiles",
            "measures",
        ]


class MeasureOut(CamelModelSerializer):
    requirements = RequirementRefOut(many=True, read_only=True)
    phases = serializers.ListField(child=serializers.CharField())
    roles = serializers.ListField(child=serializers.CharField())
    subjects = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Measure
        fields = [
            "key",
            "urn",
            "name",
            "description",
            "explanation",
            "url",
            "subjects",
            "phases",
            "roles",
            "requirements",
        ]


class FrameworkFiltersIn(CamelSerializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phase = serializers.CharField(
        required=False, allow_blank=True, max_length=80, help_text="Lifecycle phase key"
    )


@extend_schema(tags=["algoritmekader"])
class RequirementListApi(generics.GenericAPIView):
    serializer_class = RequirementOut

    @extend_schema(
        operation_id="requirements_list",
        parameters=[FrameworkFiltersIn],
        responses={200: RequirementOut(many=True)},
    )
    def get(self, request):
        framework_readable(request)
        data = validated(FrameworkFiltersIn, request.query_params)
        page = self.paginate_queryset(
            selectors.requirement_search(data.get("search", ""), data.get("phase", ""))
        )
        return self.get_paginated_response(RequirementOut(page, many=True).data)


@extend_schema(tags=["algoritmekader"])
class RequirementDetailApi(generics.GenericAPIView):
    serializer_class = RequirementOut

    @extend_schema(operation_id="requirements_read")
    def get(self, request, code):
        framework_readable(request)
        requirement = selectors.requirement_get(code)
        if requirement is None:
            raise Http404
        return Response(RequirementOut(requirement).data)


@extend_schema(tags=["algoritmekader"])
class MeasureListApi(generics.GenericAPIView):
    serializer_class = MeasureOut

    @extend_schema(
        operation_id="measures_list",
        parameters=[FrameworkFiltersIn],
        responses={200: MeasureOut(many=True)},
    )
    def get(self, request):
        framework_readable(request)
        data = validated(FrameworkFiltersIn, request.query_params)
        page = self.paginate_queryset(
            selectors.measure_search(data.get("search", ""), data.get("phase", ""))
        )
        return self.get_paginated_response(MeasureOut(page, many=True).data)


@extend_schema(tags=["algoritmekader"])
class MeasureDetailApi(generics.GenericAPIView):
    serializer_class = MeasureOut

    @extend_schema(operation_id="measures_read")
    def get(self, request, key):
        framework_readable(request)
        measure = selectors.measure_get(key)
        if measure is None:
            raise Http404
        return Response(MeasureOut(measure).data)
