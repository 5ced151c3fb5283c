"""API views for the parts of a project (milestones, quality reviews, independent review advice,
parliamentary papers, benefits): one generic pair of views, configured per model."""

from dataclasses import dataclass

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.helpers import VersionIn, validated
from omslag.common.api.serializers import CamelModelSerializer

from .. import access, selectors, services
from ..models import Benefit, Milestone, ParliamentaryPaper, QualityReview, ReviewAdvice
from .base import record_changeable


@dataclass(frozen=True)
class Part:
    model: type
    path: str  # the kebab-case path segment, plural: /projects/{id}/quality-reviews
    description: str

    @property
    def operation(self) -> str:
        return self.path.replace("-", "_")


PARTS = (
    Part(Milestone, "milestones", "A milestone: planned, expected and realised date."),
    Part(QualityReview, "quality-reviews", "A quality review: date, reviewer, conclusion."),
    Part(
        ReviewAdvice,
        "review-advice",
        "Independent review advice (AcICT, formerly BIT): date, verdict, recommendations, "
        "follow-up.",
    ),
    Part(ParliamentaryPaper, "papers", "A parliamentary paper about the project."),
    Part(Benefit, "benefits", "A benefit: indicator, target and realised value."),
)


def _serializers(part: Part):
    """Output, create and update serializers of one kind of part; limits from the model."""
    model, fields = part.model, list(services.PART_FIELDS[part.model])
    name = model.__name__
    out_fields = ["id", "project", *fields, "version", "created_at", "updated_at"]
    out = type(
        f"{name}Out",
        (CamelModelSerializer,),
        {
            "__doc__": part.description,
            "Meta": type(
                "Meta", (), {"model": model, "fields": out_fields, "read_only_fields": out_fields}
            ),
        },
    )
    create = type(
        f"{name}In",
        (CamelModelSerializer,),
        {"__doc__": part.description, "Meta": type("Meta", (), {"model": model, "fields": fields})},
    )
    update = type(
        f"{name}UpdateIn",
        (CamelModelSerializer,),
        {
            "__doc__": part.description,
            "version": serializers.IntegerField(
                help_text="The version you read; a stale one gives 409."
            ),
            "Meta": type(
                "Meta",
                (),
                {
                    "model": model,
                    "fields": ["version", *fields],
                    "extra_kwargs": {field: {"required": False} for field in fields},
                },
            ),
        },
    )
    return out, create, update


def part_views(part: Part):
    """The list view (under a project) and the detail view of one kind of part."""
    model, operation = part.model, part.operation
    out, create, update = _serializers(part)

    @extend_schema(tags=["projects"])
    class PartListApi(generics.GenericAPIView):
        serializer_class = out

        @extend_schema(operation_id=f"{operation}_list", responses={200: out(many=True)})
        def get(self, request, pk):
            project = access.project_get_readable(request.user, pk)
            page = self.paginate_queryset(selectors.parts_of(project, model))
            return self.get_paginated_response(out(page, many=True).data)

        @extend_schema(operation_id=f"{operation}_create", request=create, responses={201: out})
        def post(self, request, pk):
            project = record_changeable(request, access.project_get_readable(request.user, pk))
            data = validated(create, request.data)
            created = services.part_create(actor=request.user, model=model, project=project, **data)
            return Response(out(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["projects"])
    class PartDetailApi(generics.GenericAPIView):
        serializer_class = out

        @extend_schema(operation_id=f"{operation}_read")
        def get(self, request, pk):
            return Response(out(access.part_get_readable(request.user, model, pk)).data)

        @extend_schema(operation_id=f"{operation}_update", request=update, responses={200: out})
        def patch(self, request, pk):
            found = record_changeable(request, access.part_get_readable(request.user, model, pk))
            data = validated(update, request.data)
            changed = services.part_update(
                actor=request.user, part=found, expected_version=data.pop("version"), **data
            )
            return Response(out(changed).data)

        @extend_schema(
            operation_id=f"{operation}_delete",
            request=None,
            responses={204: None},
            parameters=[OpenApiParameter("version", int, description="The version you read")],
        )
        def delete(self, request, pk):
            found = record_changeable(request, access.part_get_readable(request.user, model, pk))
            data = validated(VersionIn, request.query_params)
            services.part_delete(
                actor=request.user, part=found, expected_version=data.get("version")
            )
            return Response(status=status.HTTP_204_NO_CONTENT)

    for view, suffix in ((PartListApi, "ListApi"), (PartDetailApi, "DetailApi")):
        view.__name__ = view.__qualname__ = f"{model.__name__}{suffix}"
    return PartListApi, PartDetailApi
