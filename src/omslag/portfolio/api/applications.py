"""API views for the application register and the dependencies between applications."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.detail import VersionedDetailApi, versioned_detail_schema
from omslag.common.api.fields import ChoiceListField
from omslag.common.api.helpers import VersionIn, money, validated
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable

from .. import access, selectors, services
from ..models import Application, Dependency, TimePosition
from .base import application_does_not_exist, record_changeable

# --- serializers --------------------------------------------------------------------------


class ApplicationOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    time_position = serializers.ChoiceField(
        choices=TimePosition.choices,
        read_only=True,
        help_text="The TIME position that holds: timeOverride when set, else derived.",
    )
    derived_time_position = serializers.ChoiceField(
        choices=TimePosition.choices,
        read_only=True,
        help_text="Derived from business value × technical condition.",
    )
    run_cost = money(
        read_only=True,
        help_text="Actual run spend on it in the organisation's latest year with actuals.",
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "organisation",
            *services.APPLICATION_FIELDS,
            "time_position",
            "derived_time_position",
            "run_cost",
            "version",
            "created_at",
            "updated_at",
        ]


class ApplicationIn(CamelModelSerializer):
    """The fields a client may set; their limits come from the model."""

    class Meta:
        model = Application
        fields = list(services.APPLICATION_FIELDS)


class ApplicationUpdateIn(ApplicationIn):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409.")

    class Meta(ApplicationIn.Meta):
        fields = ["version", *services.APPLICATION_FIELDS]
        extra_kwargs = {name: {"required": False} for name in services.APPLICATION_FIELDS}


SORT_CHOICES = [order for key in selectors.SORTS for order in (key, f"-{key}")]


class ApplicationFiltersIn(CamelSerializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Part of name, vendor, technology or purpose",
    )
    time = ChoiceListField(
        child=serializers.ChoiceField(choices=TimePosition.choices),
        required=False,
        help_text="TIME position (the one that holds); repeat or separate by commas",
    )
    status = ChoiceListField(
        child=serializers.ChoiceField(choices=Application.Status.choices),
        required=False,
        help_text="Lifecycle status; repeat or separate by commas",
    )
    owner = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Part of unit or owner"
    )
    end_of_support = serializers.ChoiceField(
        choices=["past", "within-24-months", "later", "unknown"],
        required=False,
        help_text="Where the end-of-support date lies, seen from today",
    )
    bio_high = serializers.ChoiceField(
        choices=["availability", "integrity", "confidentiality", "any"],
        required=False,
        help_text="Classified high (BIO) on this aspect, or on any",
    )
    sort = serializers.ChoiceField(
        choices=SORT_CHOICES, required=False, default="name", help_text="A leading - reverses"
    )


def _application_filters(data: dict) -> selectors.ApplicationFilters:
    return selectors.ApplicationFilters(
        search=data.get("search", ""),
        time=tuple(data.get("time", ())),
        status=tuple(data.get("status", ())),
        owner=data.get("owner", ""),
        end_of_support=data.get("end_of_support", ""),
        bio_high=data.get("bio_high", ""),
        sort=data.get("sort", "name"),
    )


class DependencyOut(CamelModelSerializer):
    application_name = serializers.CharField(source="application.name", read_only=True)
    depends_on_name = serializers.CharField(source="depends_on.name", read_only=True)

    class Meta:
        model = Dependency
        fields = [
            "id",
            "application",
            "application_name",
            "depends_on",
            "depends_on_name",
            "note",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class ApplicationDependenciesOut(CamelSerializer):
    needs = DependencyOut(many=True, help_text="What this application needs to work.")
    needed_by = DependencyOut(many=True, help_text="What needs this application.")


class DependencyIn(CamelSerializer):
    depends_on = serializers.PrimaryKeyRelatedField(
        queryset=Application.objects.none(),
        error_messages=application_does_not_exist(),
        help_text="Id of the application it needs, of the same organisation.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def get_fields(self):
        fields = super().get_fields()
        if "applications" in self.context:
            fields["dependsOn"].queryset = self.context["applications"]
        return fields


def _application_response(application, status_code=status.HTTP_200_OK) -> Response:
    return Response(
        ApplicationOut(selectors.application_with_figures(application)).data, status=status_code
    )


# --- views --------------------------------------------------------------------------------


@extend_schema(tags=["applications"])
class ApplicationListApi(generics.GenericAPIView):
    serializer_class = ApplicationOut

    @extend_schema(
        operation_id="applications_list",
        parameters=[ApplicationFiltersIn],
        responses={200: ApplicationOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        filters = _application_filters(validated(ApplicationFiltersIn, request.query_params))
        page = self.paginate_queryset(selectors.application_list(organisation, filters))
        return self.get_paginated_response(ApplicationOut(page, many=True).data)

    @extend_schema(
        operation_id="applications_create",
        request=ApplicationIn,
        responses={201: ApplicationOut},
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(request.user, slug, access.portfolio_can_change)
        data = validated(ApplicationIn, request.data)
        application = services.application_create(
            actor=request.user, organisation=organisation, **data
        )
        return _application_response(application, status.HTTP_201_CREATED)


@versioned_detail_schema(
    "applications",
    ApplicationUpdateIn,
    ApplicationOut,
    delete_description="Soft delete: the history stays, and its dependencies go with it.",
)
@extend_schema(tags=["applications"])
class ApplicationDetailApi(VersionedDetailApi):
    serializer_class = ApplicationOut
    update_input = ApplicationUpdateIn

    def readable(self, person, pk):
        return access.application_get_readable(person, pk)

    def can_change(self, person, record):
        return access.record_can_change(person, record)

    def update(self, actor, record, expected_version, **changes):
        return services.application_update(
            actor=actor, application=record, expected_version=expected_version, **changes
        )

    def remove(self, actor, record, expected_version):
        services.application_delete(
            actor=actor, application=record, expected_version=expected_version
        )

    def respond(self, record):
        return _application_response(record)


@extend_schema(tags=["applications"])
class ApplicationDependencyListApi(generics.GenericAPIView):
    serializer_class = ApplicationDependenciesOut
    pagination_class = None

    @extend_schema(operation_id="applications_dependencies")
    def get(self, request, pk):
        application = access.application_get_readable(request.user, pk)
        needs, needed_by = selectors.application_dependencies(application)
        return Response(ApplicationDependenciesOut({"needs": needs, "needed_by": needed_by}).data)

    @extend_schema(
        operation_id="dependencies_create",
        description="Record that this application needs another of the same organisation.",
        request=DependencyIn,
        responses={201: DependencyOut},
    )
    def post(self, request, pk):
        application = access.application_get_readable(request.user, pk)
        record_changeable(request, application)
        data = validated(
            DependencyIn,
            request.data,
            applications=selectors.applications_choosable(application.organisation),
        )
        dependency = services.dependency_add(actor=request.user, application=application, **data)
        return Response(DependencyOut(dependency).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["applications"])
class DependencyDetailApi(generics.GenericAPIView):
    serializer_class = DependencyOut

    @extend_schema(operation_id="dependencies_read")
    def get(self, request, pk):
        return Response(DependencyOut(access.dependency_get_readable(request.user, pk)).data)

    @extend_schema(
        operation_id="dependencies_delete",
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("version", int, description="The version you read")],
    )
    def delete(self, request, pk):
        dependency = access.dependency_get_readable(request.user, pk)
        record_changeable(request, dependency)
        data = validated(VersionIn, request.query_params)
        services.dependency_remove(
            actor=request.user, dependency=dependency, expected_version=data.get("version")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
