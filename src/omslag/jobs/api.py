"""A job's state for machine clients: GET /api/v1/jobs/{id}, POST /api/v1/jobs/{id}/cancel."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from omslag.common.access import require
from omslag.common.api.serializers import CamelSerializer
from omslag.common.tabular.formats import CONTENT_TYPES

from . import access, selectors, services
from .views import job_file_response


class JobProblemOut(CamelSerializer):
    row = serializers.IntegerField(required=False, allow_null=True)
    column = serializers.CharField(required=False)
    value = serializers.CharField(required=False, help_text="An excerpt of the value.")
    reason = serializers.CharField()


class JobOut(CamelSerializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed", "cancelled"])
    done = serializers.IntegerField()
    total = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True)
    message = serializers.CharField(allow_blank=True)
    cancelling = serializers.BooleanField(help_text="A cancel was asked; the job stops soon.")
    result = serializers.DictField(help_text="What the work returned (kind-specific).")
    problems_total = serializers.IntegerField()
    problems = JobProblemOut(many=True, help_text="The first 1000 problems, values shortened.")
    file_url = serializers.CharField(
        allow_null=True,
        help_text="Where to download the job's file (an export, a board report) once it is "
        "done; null without one, or after its retention period.",
    )
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


# What a job's file can be: an export (CSV, XLSX, ODS, JSON) or a board report (also PDF).
FILE_MEDIA_TYPES = sorted({*(t.split(";")[0] for t in CONTENT_TYPES.values()), "application/pdf"})


def job_file_url(job) -> str | None:
    if not job.file or job.status != job.Status.DONE:
        return None
    return reverse("api:job-file", args=[job.pk])


def job_data(job) -> dict:
    """A job as the API answers it (also the body of a 202 that started one)."""
    return JobOut(
        {**selectors.job_status(job), "problems": job.problems, "file_url": job_file_url(job)}
    ).data


@extend_schema(tags=["jobs"])
class JobDetailApi(generics.GenericAPIView):
    serializer_class = JobOut

    @extend_schema(operation_id="jobs_read")
    def get(self, request, pk):
        return Response(job_data(access.job_get_readable(request.user, pk)))


@extend_schema(tags=["jobs"])
class JobCancelApi(generics.GenericAPIView):
    serializer_class = JobOut

    @extend_schema(operation_id="jobs_cancel", request=None, responses={200: JobOut})
    def post(self, request, pk):
        job = access.job_get_readable(request.user, pk)
        require(access.job_can_cancel(request.user, job))
        return Response(job_data(services.cancel(job)))


@extend_schema(tags=["jobs"])
class JobFileApi(generics.GenericAPIView):
    @extend_schema(
        operation_id="jobs_file",
        responses={
            (200, media_type): OpenApiResponse(
                # JSON is read as JSON: an export's rows, or a board report's document.
                OpenApiTypes.ANY if media_type == "application/json" else OpenApiTypes.BINARY,
                description="The job's file, as an attachment",
            )
            for media_type in FILE_MEDIA_TYPES
        },
    )
    def get(self, request, pk):
        return job_file_response(access.job_get_readable(request.user, pk))
