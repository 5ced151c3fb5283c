"""The public, read-only API under /api/v1/open: no token, rate-limited per client address,
readable from any origin, with ETag/Last-Modified and 304 answers. It reads only published
snapshots, like the public pages."""

import hashlib
from datetime import UTC, datetime
from json import dumps

from django.db.models import TextField, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from omslag.common.api.problems import problem_response
from omslag.common.api.serializers import camel

from . import datasets, selectors
from .models import Kind
from .pagination import OpenPagination
from .snapshots import camel_keys

DATASET_PARAMETER = OpenApiParameter(
    "dataset", str, OpenApiParameter.PATH, enum=list(selectors.SEGMENT_KINDS)
)


class OpenThrottle(AnonRateThrottle):
    """Per client address, for everyone (a token changes nothing on the public API)."""

    scope = "open"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _iso(stored: str | None, zone, seen: dict) -> str:
    """A moment as the database gives it as text (UTC) written as JSON the way DRF's
    DateTimeField writes it (in the site's time zone, ISO 8601, UTC as Z). Reading the text
    instead of a datetime, and each distinct moment once (``seen``: the moments of a page
    are often the same, published together), skips the driver's and DRF's per-value work,
    which was most of a list's time."""
    if stored is None:
        return "null"
    if stored not in seen:
        moment = datetime.fromisoformat(stored)
        if moment.tzinfo is None:  # SQLite keeps UTC without an offset
            moment = moment.replace(tzinfo=UTC)
        text = moment.astimezone(zone).isoformat()
        seen[stored] = f'"{text[:-6]}Z"' if text.endswith("+00:00") else f'"{text}"'
    return seen[stored]


class RecordOut(serializers.Serializer):
    id = serializers.IntegerField(source="source_id")
    version = serializers.IntegerField(source="number")
    title = serializers.CharField()
    publishedAt = serializers.DateTimeField(source="decided_at")  # noqa: N815
    url = serializers.SerializerMethodField()
    apiUrl = serializers.SerializerMethodField()  # noqa: N815
    data = serializers.SerializerMethodField()

    def _absolute(self, name, publication) -> str:
        request, slug = self.context["request"], self.context["slug"]
        segment = selectors.KIND_SEGMENTS[publication.kind]
        return request.build_absolute_uri(
            reverse(name, args=[slug, segment, publication.source_id])
        )

    def get_url(self, publication) -> str:
        """The public page of the record."""
        return self._absolute("open:record", publication)

    def get_apiUrl(self, publication) -> str:  # noqa: N802
        return self._absolute("api:open-record", publication)

    def get_data(self, publication) -> dict:
        return publication.public_data


class VersionOut(RecordOut):
    changes = serializers.SerializerMethodField()

    def get_changes(self, publication) -> list[dict]:
        return [
            {"field": camel(c["field"]), "old": camel_keys(c["old"]), "new": camel_keys(c["new"])}
            for c in publication.changes
        ]


class OpenApiBase(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenThrottle]

    def not_modified(self, request, stamp) -> HttpResponse | None:
        """304 when the client's ETag or date is still current; else remember the headers."""
        changed_at, count = stamp
        seed = f"{request.get_full_path()}|{changed_at.isoformat() if changed_at else ''}|{count}"
        self.etag = quote_etag(hashlib.sha256(seed.encode()).hexdigest()[:32])
        self.last_modified = changed_at.timestamp() if changed_at else None
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            if self.etag in [t.strip() for t in if_none_match.split(",")] or if_none_match == "*":
                return self._304()
            return None
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if (
            since is not None
            and self.last_modified is not None
            and int(self.last_modified) <= since
        ):
            return self._304()
        return None

    def _304(self):
        response = HttpResponse(status=304)
        self._stamp(response)
        return response

    def _stamp(self, response):
        response["ETag"] = self.etag
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified)
        response["Cache-Control"] = "public, max-age=60"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "etag", None) and response.status_code == 200:
            self._stamp(response)
        return response


def _organisation_or_404(request, slug, kind=None):
    organisation = selectors.organisation_with_publications(slug, kind)
    if organisation is None:
        return None, problem_response(request, 404, "This organisation publishes nothing.")
    return organisation, None


@extend_schema(tags=["open"])
class OpenOrganisationListApi(OpenApiBase):
    @extend_schema(
        operation_id="open_organisations_list",
        responses={
            200: inline_serializer(
                "OpenOrganisationOut",
                {
                    "slug": serializers.CharField(),
                    "name": serializers.CharField(),
                    "records": serializers.IntegerField(),
                    "url": serializers.URLField(),
                },
                many=True,
            )
        },
    )
    def get(self, request):
        cached = self.not_modified(request, selectors.last_change())
        if cached:
            return cached
        return Response(
            [
                {
                    "slug": o.slug,
                    "name": o.name,
                    "records": o.total,
                    "url": request.build_absolute_uri(reverse("open:organisation", args=[o.slug])),
                }
                for o in selectors.publishing_organisations()
            ]
        )


@extend_schema(tags=["open"])
class OpenDatasetApi(OpenApiBase):
    pagination_class = OpenPagination

    @extend_schema(
        operation_id="open_dataset_list",
        description="A public list, in pages: follow `next` (a cursor) to read it all, or ask "
        "for a numbered `page`. At most 1,000 rows a page.",
        parameters=[
            DATASET_PARAMETER,
            OpenApiParameter("q", str, description="Search in the titles."),
            OpenApiParameter("facet", str, description="Colour, stage or status."),
        ],
        responses={200: RecordOut(many=True)},
    )
    def get(self, request, slug, dataset):
        kind = selectors.SEGMENT_KINDS.get(dataset)
        if kind is None:
            return problem_response(request, 404, "No such dataset.")
        organisation, problem = _organisation_or_404(request, slug, kind)
        if problem:
            return problem
        filters = selectors.PublicFilters(
            search=request.query_params.get("q", "")[:200],
            facet=request.query_params.get("facet", "")[:100],
        )
        listed = selectors.published_list(organisation, kind, filters)
        figures = selectors.list_figures(organisation, kind, filters, listed)
        cached = self.not_modified(request, (figures["at"], figures["approved"]))
        if cached:
            return cached
        records = listed.values_list(
            "source_id",
            "number",
            "title",
            Cast("decided_at", TextField()),
            # The text stored with the version; a row written without it (in bulk) falls back
            # to the JSON value as text, which is the same data.
            Coalesce(
                NullIf("public_json", Value("")),
                Cast("public_data", TextField()),
                output_field=TextField(),
            ),
        )
        paginator = self.pagination_class()
        page = paginator.paginate(
            records,
            request,
            kind,
            lambda row: [row[0]] if kind == Kind.BALANCE_YEAR else [row[2], row[0]],
            figures["count"],
        )
        # The rows are written as JSON text around each record's stored JSON, rather than by
        # a serializer: a full read of 25,000 rows spends its time per row, and decoding and
        # re-encoding every snapshot would cost most of it. The fields are those of RecordOut.
        page_url = request.build_absolute_uri(reverse("open:record", args=[slug, dataset, 0]))
        api_url = request.build_absolute_uri(reverse("api:open-record", args=[slug, dataset, 0]))
        page_url, api_url = dumps(page_url[:-1])[:-1], dumps(api_url[:-1])[:-1]
        zone, seen = timezone.get_current_timezone(), {}
        rows = ",".join(
            f'{{"id":{source_id},"version":{number},"title":{dumps(title)},'
            f'"publishedAt":{_iso(decided_at, zone, seen)},'
            f'"url":{page_url}{source_id}","apiUrl":{api_url}{source_id}","data":{data}}}'
            for source_id, number, title, decided_at, data in page
        )
        envelope = paginator.envelope()
        envelope["results"] = "\x00"
        body = dumps(envelope).replace('"\\u0000"', f"[{rows}]", 1)
        return HttpResponse(body, content_type="application/json")


@extend_schema(tags=["open"])
class OpenRecordApi(OpenApiBase):
    @extend_schema(
        operation_id="open_record_read",
        parameters=[DATASET_PARAMETER],
        responses={
            200: inline_serializer(
                "OpenRecordOut",
                {"current": VersionOut(), "versions": VersionOut(many=True)},
            )
        },
    )
    def get(self, request, slug, dataset, sourceId):  # noqa: N803 (camelCase path parameter)
        source_id = sourceId
        kind = selectors.SEGMENT_KINDS.get(dataset)
        organisation, problem = _organisation_or_404(request, slug)
        if problem or kind is None:
            return problem or problem_response(request, 404, "No such dataset.")
        versions = selectors.published_versions(organisation, kind, source_id)
        if not versions:
            return problem_response(request, 404, "This record is not published.")
        latest = versions[0]
        if latest.is_withdrawn:
            return problem_response(
                request,
                404,
                "This record was withdrawn.",
                withdrawnAt=latest.withdrawn_at.isoformat(),
                withdrawalReason=latest.withdrawal_reason,
                notice=request.build_absolute_uri(
                    reverse("open:notice", args=[slug, dataset, source_id])
                ),
            )
        cached = self.not_modified(request, (latest.changed_at, len(versions)))
        if cached:
            return cached
        return Response(
            {
                "current": VersionOut(latest, context={"request": request, "slug": slug}).data,
                "versions": VersionOut(
                    versions, many=True, context={"request": request, "slug": slug}
                ).data,
            }
        )


@extend_schema(tags=["open"])
class OpenAlgorithmStandardApi(OpenApiBase):
    @extend_schema(
        operation_id="open_algorithms_standard",
        description="The published algorithms in the national publication standard's JSON "
        "(its own snake_case field names, as the standard prescribes): a list of records.",
        responses={200: serializers.ListSerializer(child=serializers.DictField())},
    )
    def get(self, request, slug):
        organisation, problem = _organisation_or_404(request, slug)
        if problem:
            return problem
        cached = self.not_modified(request, selectors.last_change(organisation, Kind.ALGORITHM))
        if cached:
            return cached
        records = selectors.published_list(organisation, Kind.ALGORITHM, selectors.PublicFilters())
        return Response([p.snapshot for p in records])


@extend_schema(tags=["open"])
class OpenCatalogueApi(OpenApiBase):
    @extend_schema(
        operation_id="open_datasets_catalogue",
        description="Every public dataset, shaped after DCAT.",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        cached = self.not_modified(request, selectors.last_change())
        if cached:
            return cached
        return Response(datasets.catalogue(request.build_absolute_uri("/").rstrip("/")))


@extend_schema(tags=["open"])
class OpenCatalogueDcatApi(OpenApiBase):
    @extend_schema(
        operation_id="open_datasets_dcat",
        description="The catalogue as DCAT in JSON-LD (application/ld+json).",
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        cached = self.not_modified(request, selectors.last_change())
        if cached:
            return cached
        body = datasets.catalogue_jsonld(
            datasets.catalogue(request.build_absolute_uri("/").rstrip("/"))
        )
        return Response(body, content_type="application/ld+json")
