from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, parsers, serializers, status
from rest_framework.response import Response

from omslag.common.api.problems import problem_response
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.common.errors import RuleViolation
from omslag.common.tabular.formats import CONTENT_TYPES, FORMATS, FileProblem
from omslag.common.tabular.registry import (
    DEFAULT_FORMAT,
    export_kinds,
    import_formats,
    import_kinds,
)
from omslag.jobs.api import JobOut, job_data
from omslag.organisations.access import organisation_get_readable

from . import access, exports, selectors, services
from .models import ColumnMapping, ImportJob
from .options import export_option
from .responses import export_response


class RowProblemOut(CamelSerializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    value = serializers.CharField()
    reason = serializers.CharField()


class ImportReportOut(CamelSerializer):
    ok = serializers.BooleanField()
    dry_run = serializers.BooleanField(required=False)
    file_problem = serializers.CharField()
    rows_total = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField(
        default=0, help_text="Rows read but left out on purpose; each is in notes."
    )
    problems_total = serializers.IntegerField()
    problems = RowProblemOut(many=True)
    headers = serializers.ListField(child=serializers.CharField())
    notes_total = serializers.IntegerField(default=0)
    notes = RowProblemOut(
        many=True,
        default=list,
        help_text="Rows skipped or only partly used, each with the reason (the first 1000).",
    )


class ImportReportOrNull(ImportReportOut):
    """The report, or null while a job has not yet checked the file."""

    def get_attribute(self, instance):
        return instance.report or None


class ImportJobOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    mapping = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    report = ImportReportOrNull(
        allow_null=True, help_text="null while a background job checks or imports the file"
    )
    job = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The background job that checks or imports the file (GET /api/v1/jobs/{id}); "
        "null when the file was handled within the request.",
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "organisation",
            "kind",
            "format",
            "filename",
            "mapping",
            "status",
            "report",
            "created_at",
            "imported_at",
            "job",
        ]


class ImportIn(CamelSerializer):
    organisation = serializers.SlugField()
    kind = serializers.ChoiceField(choices=[])
    format = serializers.ChoiceField(
        choices=[],
        default=DEFAULT_FORMAT,
        help_text=(
            "The layout of the file: table (one row per record, the register's own columns) "
            "or another register's own, such as canada-snapshot for projects."
        ),
    )
    file = serializers.FileField()
    mapping = serializers.CharField(required=False, help_text="Name of a saved column mapping")
    dry_run = serializers.BooleanField(
        default=False, help_text="Only check the file; confirm later with the confirm endpoint."
    )
    background = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Check and import the file as a background job (202 Accepted, Location: the "
        "job). Not given: files above the server's limit for an answer within the request "
        "(OMSLAG_IMPORT_API_SYNC_MAX_BYTES, 1 MB by default) run as a job, smaller ones at once.",
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["kind"].choices = import_kinds()
        fields["format"].choices = sorted(
            {fmt for kind in import_kinds() for fmt in import_formats(kind)}
        )
        return fields


class ColumnMappingOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ColumnMapping
        fields = ["id", "organisation", "kind", "name", "columns", "conversion", "created_at"]


class ColumnMappingIn(CamelSerializer):
    organisation = serializers.SlugField()
    kind = serializers.CharField()
    name = serializers.CharField(max_length=100)
    columns = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="file column → omslag column ('' to ignore); or give a conversion",
    )
    conversion = serializers.JSONField(
        required=False,
        help_text="A full conversion (docs/import-export.md): per column its target and value "
        "conversions, the currency, records per row. Its keys are kept as written "
        "(snake_case), as in the shipped examples.",
    )

    def validate(self, attrs):
        if not attrs.get("columns") and not attrs.get("conversion"):
            raise serializers.ValidationError({"columns": "Give columns or a conversion."})
        return attrs


class ExportQueryIn(CamelSerializer):
    reference_class = serializers.IntegerField(required=False, min_value=1)


def _export_options(request, organisation, kind) -> dict:
    """The options of an export from its query: ``referenceClass`` names, by id, a class the
    organisation may use, for the kinds that registered that option (projects)."""
    serializer = ExportQueryIn(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    pk = serializer.validated_data.get("reference_class")
    if pk is None:
        return {}
    option = export_option(kind, "reference_class")
    if option is None:
        raise serializers.ValidationError(
            {"referenceClass": [_("This export takes no reference class.")]}
        )
    try:
        return {"reference_class": option.by_id(organisation, pk)}
    except RuleViolation as error:
        raise serializers.ValidationError({"referenceClass": [error.message]}) from None


def _in_background(upload, background) -> bool:
    if background is not None:
        return background
    return upload.size > settings.IMPORT_API_SYNC_MAX_BYTES


def _accepted(job: ImportJob) -> Response:
    """202 Accepted: the work is queued; Location is the job a client follows."""
    response = Response(ImportJobOut(job).data, status=status.HTTP_202_ACCEPTED)
    response["Location"] = reverse("api:job", args=[job.job_id])
    return response


_ACCEPTED = OpenApiResponse(
    ImportJobOut,
    description="Queued as a background job: follow the job at the Location header "
    "(GET /api/v1/jobs/{id}); when it is done, GET the import for its report.",
)
_LOCATION = OpenApiParameter(
    "Location",
    str,
    OpenApiParameter.HEADER,
    description="With 202: the job to follow, /api/v1/jobs/{id}.",
    response=[202],
)


def _report_response(request, job: ImportJob, created_status: int) -> Response:
    if job.status == ImportJob.Status.PROBLEMS:
        report = job.report
        return problem_response(
            request,
            422,
            report.get("file_problem")
            or _("%(n)s problem(s) in the file; nothing was saved.")
            % {"n": report["problems_total"]},
            importId=job.pk,
            errors=report["problems"],
        )
    return Response(ImportJobOut(job).data, status=created_status)


@extend_schema(tags=["imports"])
class ImportListApi(generics.GenericAPIView):
    serializer_class = ImportJobOut
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        operation_id="imports_create",
        request={"multipart/form-data": ImportIn},
        responses={201: ImportJobOut, 202: _ACCEPTED},
        parameters=[_LOCATION],
    )
    def post(self, request):
        serializer = ImportIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organisation = organisation_get_readable(request.user, data["organisation"])
        if not access.import_allowed(request.user, organisation, data["kind"]):
            raise PermissionDenied
        mapping = None
        if data.get("mapping"):
            mapping = access.column_mapping_get(
                request.user, organisation, data["kind"], data["mapping"]
            )
        try:
            if _in_background(data["file"], data.get("background")):
                job = services.import_queue(
                    actor=request.user,
                    organisation=organisation,
                    kind=data["kind"],
                    upload=data["file"],
                    mapping=mapping,
                    fmt=data["format"],
                    dry_run=data["dry_run"],
                )
                return _accepted(job)
            job = services.import_job_check(
                actor=request.user,
                organisation=organisation,
                kind=data["kind"],
                upload=data["file"],
                mapping=mapping,
                fmt=data["format"],
            )
        except FileProblem as problem:
            return problem_response(request, 422, problem.message, errors=[])
        if job.status == ImportJob.Status.CHECKED and not data["dry_run"]:
            job = services.import_job_confirm(actor=request.user, job=job)
        return _report_response(request, job, status.HTTP_201_CREATED)


@extend_schema(tags=["imports"])
class ImportDetailApi(generics.GenericAPIView):
    serializer_class = ImportJobOut

    @extend_schema(operation_id="imports_read")
    def get(self, request, pk):
        return Response(ImportJobOut(access.import_job_get(request.user, pk)).data)


@extend_schema(tags=["imports"])
class ImportConfirmApi(generics.GenericAPIView):
    serializer_class = ImportJobOut

    @extend_schema(
        operation_id="imports_confirm",
        request=None,
        responses={200: ImportJobOut, 202: _ACCEPTED},
        parameters=[_LOCATION],
    )
    def post(self, request, pk):
        job = access.import_job_get(request.user, pk)
        if not access.import_job_can_confirm(request.user, job):
            raise PermissionDenied
        if job.file and job.file.size > settings.IMPORT_API_SYNC_MAX_BYTES:
            # A large file is imported by a worker, as it was checked (the web's path).
            return _accepted(services.import_confirm_start(actor=request.user, job=job))
        job = services.import_job_confirm(actor=request.user, job=job)
        return _report_response(request, job, status.HTTP_200_OK)


@extend_schema(tags=["imports"])
class ColumnMappingListApi(generics.GenericAPIView):
    serializer_class = ColumnMappingOut

    @extend_schema(
        operation_id="column_mappings_list",
        responses={200: ColumnMappingOut(many=True)},
        parameters=[OpenApiParameter("organisation", str, required=True)],
    )
    def get(self, request):
        organisation = organisation_get_readable(
            request.user, request.query_params.get("organisation", "")
        )
        page = self.paginate_queryset(selectors.column_mappings_of(organisation))
        return self.get_paginated_response(ColumnMappingOut(page, many=True).data)

    @extend_schema(
        operation_id="column_mappings_create",
        request=ColumnMappingIn,
        responses={201: ColumnMappingOut},
    )
    def post(self, request):
        serializer = ColumnMappingIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organisation = organisation_get_readable(request.user, data["organisation"])
        if not access.import_allowed(request.user, organisation, data["kind"]):
            raise PermissionDenied
        mapping = services.column_mapping_save(
            actor=request.user,
            organisation=organisation,
            kind=data["kind"],
            name=data["name"],
            columns=data.get("columns"),
            conversion=data.get("conversion"),
        )
        return Response(ColumnMappingOut(mapping).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["imports"])
class ColumnMappingDetailApi(generics.GenericAPIView):
    serializer_class = ColumnMappingOut

    def _mapping(self, request, pk):
        return access.column_mapping_get_by_id(request.user, pk)

    @extend_schema(operation_id="column_mappings_read", responses={200: ColumnMappingOut})
    def get(self, request, pk):
        return Response(ColumnMappingOut(self._mapping(request, pk)).data)

    @extend_schema(operation_id="column_mappings_delete", responses={204: None})
    def delete(self, request, pk):
        mapping = self._mapping(request, pk)
        if not access.import_allowed(request.user, mapping.organisation, mapping.kind):
            raise PermissionDenied
        services.column_mapping_delete(mapping=mapping)
        return Response(status=status.HTTP_204_NO_CONTENT)


EXPORT_PARAMETERS = [
    OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=export_kinds()),
    OpenApiParameter("organisation", str, required=True),
    OpenApiParameter("format", str, enum=list(FORMATS), default="json"),
    OpenApiParameter(
        "referenceClass",
        int,
        description=(
            "projects: the id of a reference class the organisation may use; adds "
            "the forecast columns (P50, P80, P90, chance of a 50% overrun)."
        ),
    ),
]
QUEUED = OpenApiResponse(
    JobOut,
    description=(
        "The export was queued as a job: `Location` is the job (`GET /api/v1/jobs/{id}`); once "
        "it is done its `fileUrl` downloads the file."
    ),
)


def _export_queued(request, organisation, kind, fmt, options) -> Response:
    reference_class = options.get("reference_class")
    job = exports.export_start(
        person=request.user,
        organisation=organisation,
        kind=kind,
        fmt=fmt,
        reference_class_id=reference_class.pk if reference_class is not None else None,
    )
    response = Response(job_data(job), status=status.HTTP_202_ACCEPTED)
    response["Location"] = reverse("api:job", args=[job.pk])
    response["Preference-Applied"] = "respond-async"
    return response


def _wants_async(request) -> bool:
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower() == "respond-async" for part in prefer.split(","))


EXPORT_ROWS = {
    "type": "array",
    "description": "One object per row, keyed by the register's column names.",
    "items": {"type": "object", "additionalProperties": True},
}


@extend_schema(tags=["exports"])
class ExportApi(generics.GenericAPIView):
    def _selection(self, request, kind):
        organisation = organisation_get_readable(
            request.user, request.query_params.get("organisation", "")
        )
        if not access.export_allowed(request.user, organisation, kind):
            raise PermissionDenied
        fmt = request.query_params.get("format", "json")
        return organisation, fmt, _export_options(request, organisation, kind)

    @extend_schema(
        operation_id="exports_read",
        description=(
            "The register as a file. With `Prefer: respond-async`, or when it has more rows "
            "than the installation exports at once (OMSLAG_EXPORT_INLINE_ROWS, 5,000 by "
            "default), the export is queued as a job instead: 202 with the job."
        ),
        parameters=[
            *EXPORT_PARAMETERS,
            OpenApiParameter(
                "Prefer",
                str,
                OpenApiParameter.HEADER,
                enum=["respond-async"],
                description="respond-async: always queue the export as a job (202).",
            ),
        ],
        responses={
            **{
                (200, CONTENT_TYPES[fmt].split(";")[0]): OpenApiResponse(
                    # JSON is read as JSON, so it is documented as what it is: the rows.
                    EXPORT_ROWS if fmt == "json" else OpenApiTypes.BINARY,
                    description="The file, as an attachment",
                )
                for fmt in FORMATS
            },
            202: QUEUED,
        },
    )
    def get(self, request, kind):
        organisation, fmt, options = self._selection(request, kind)
        if _wants_async(request) or exports.export_is_large(
            person=request.user, organisation=organisation, kind=kind
        ):
            return _export_queued(request, organisation, kind, fmt, options)
        exported = services.export_stream(
            person=request.user, organisation=organisation, kind=kind, fmt=fmt, options=options
        )
        return export_response(exported)

    @extend_schema(
        operation_id="exports_queue",
        description="Queue the export of the register as a job, whatever its size.",
        parameters=EXPORT_PARAMETERS,
        request=None,
        responses={202: QUEUED},
    )
    def post(self, request, kind):
        organisation, fmt, options = self._selection(request, kind)
        return _export_queued(request, organisation, kind, fmt, options)
