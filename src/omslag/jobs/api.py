"""A job's state for machine clients: GET /api/v1/jobs/{id}, POST /api/v1/jobs/{id}/cancel."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from omslag.common.access import require
from omslag.common.api.serializers import CamelSerializer

from . import access, selectors, services


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
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


def _job_data(job) -> dict:
    return JobOut({**selectors.job_status(job), "problems": job.problems}).data


@extend_schema(tags=["jobs"])
class JobDetailApi(generics.GenericAPIView):
    serializer_class = JobOut

    @extend_schema(operation_id="jobs_read")
    def get(self, request, pk):
        return Response(_job_data(access.job_get_readable(request.user, pk)))


@extend_schema(tags=["jobs"])
class JobCancelApi(generics.GenericAPIView):
    serializer_class = JobOut

    @extend_schema(operation_id="jobs_cancel", request=None, responses={200: JobOut})
    def post(self, request, pk):
        job = access.job_get_readable(request.user, pk)
        require(access.job_can_cancel(request.user, job))
        return Response(_job_data(services.cancel(job)))
