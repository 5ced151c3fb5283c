"""The public pages under /open/: no sign-in, read only from published snapshots."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from omslag.common.tabular.formats import CONTENT_TYPES, FORMATS

from .. import datasets, selectors
from ..forms import PublicFilterForm
from ..models import Kind
from ..presentation import facet_options, shown_value, snapshot_labels

PAGE_SIZE = 50


def _organisation(slug, kind=None):
    organisation = selectors.publishing_organisation_get(slug, kind)
    if organisation is None:
        raise Http404(_("This organisation publishes nothing."))
    return organisation


def _kind(segment):
    kind = selectors.SEGMENT_KINDS.get(segment)
    if kind is None:
        raise Http404(_("Nothing here; check the address."))
    return kind


def _cell(value) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= 160 else text[:159] + "…"


def _row_html(url: str, title: str, cells) -> str:
    tds = "".join(
        f'<td class="number nowrap">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"
        for numeric, text in cells
    )
    return f'<tr><th scope="row"><a href="{escape(url)}">{escape(title)}</a></th>{tds}</tr>'


def _filters(form: PublicFilterForm) -> selectors.PublicFilters:
    return selectors.PublicFilters(search=form.value("q"), facet=form.value("facet"))


@require_safe
def start(request):
    return render(
        request,
        "publication/open/start.html",
        {"organisations": selectors.publishing_organisations()},
    )


@require_safe
def organisation_page(request, slug):
    organisation = selectors.organisation_with_publications(slug)
    if organisation is None:
        raise Http404(_("This organisation publishes nothing."))
    counts = selectors.kind_counts(organisation)
    sections = [
        {
            "segment": selectors.KIND_SEGMENTS[kind],
            "title": datasets.TITLES[kind],
            "description": datasets.DESCRIPTIONS[kind],
            "count": counts[kind],
        }
        for kind in Kind.values
        if counts.get(kind)
    ]
    notices = list(selectors.withdrawn_notices(organisation))
    for item in notices:
        item.segment = selectors.KIND_SEGMENTS[item.kind]
    return render(
        request,
        "publication/open/organisation.html",
        {
            "organisation": organisation,
            "sections": sections,
            "notices": notices,
        },
    )


@require_safe
def dataset_list(request, slug, segment):
    kind = _kind(segment)
    organisation = _organisation(slug, kind)
    form = PublicFilterForm(request.GET, kind=kind)
    filters = _filters(form)
    listed = selectors.published_list(organisation, kind, filters)
    figures = selectors.list_figures(organisation, kind, filters, listed, facets=True)
    records = listed.only("source_id", "number", "title", "snapshot", "organisation_id", "kind")
    rows = selectors.NumberedRows(records, count=figures["count"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = datasets.COLUMNS[kind]
    # The table body is written here with Django's escape() rather than by the template
    # language: 50 rows of a dozen cells cost the template engine more than the database.
    record_url = reverse("open:record", args=[organisation.slug, segment, 0])[:-1]
    body = mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            _row_html(
                f"{record_url}{p.source_id}",
                _cell(columns[0].value(p.snapshot)) or p.title[:120],
                [(c.numeric, _cell(shown_value(kind, c, p.snapshot))) for c in columns[1:]],
            )
            for p in page
        )
    )
    facets = facet_options(kind, figures["facets"])
    form.facets_offer(facets)
    return render(
        request,
        "publication/open/list.html",
        {
            "organisation": organisation,
            "kind": kind,
            "segment": segment,
            "title": datasets.TITLES[kind],
            "description": datasets.DESCRIPTIONS[kind],
            "columns": columns,
            "body": body,
            "page": page,
            "form": form,
            "filtered": bool(filters.search or filters.facet),
            "facets": facets,
            "formats": FORMATS,
        },
    )


@require_safe
def download(request, slug, segment, fmt):
    organisation, kind = _organisation(slug), _kind(segment)
    if fmt not in FORMATS:
        raise Http404(_("Unknown format."))
    content = datasets.dataset_file(
        organisation, kind, fmt, _filters(PublicFilterForm(request.GET, kind=kind))
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slug}-{segment}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _facts(snapshot: dict) -> list[tuple[str, str]]:
    return [
        (key, ", ".join(map(str, value)) if isinstance(value, list) else value)
        for key, value in snapshot.items()
        if key not in {"name", "description_short"}
    ]


def record_context(organisation, publication, versions) -> dict:
    kind = publication.kind
    return {
        "labels": snapshot_labels(kind, publication.snapshot),
        "facts": _facts(publication.snapshot) if kind == Kind.ALGORITHM else [],
        "organisation": organisation,
        "publication": publication,
        "kind": kind,
        "segment": selectors.KIND_SEGMENTS[kind],
        "list_title": datasets.TITLES[kind],
        "s": publication.snapshot,
        "versions": versions,
        "kind_template": f"publication/open/kinds/{kind}.html",
    }


@require_safe
def record(request, slug, segment, source_id):
    kind = _kind(segment)
    organisation = selectors.organisation_with_publications(slug)
    if organisation is None:
        raise Http404(_("This record is not published."))
    versions = selectors.published_versions(organisation, kind, source_id)
    if not versions:
        raise Http404(_("This record is not published."))
    latest = versions[0]
    if latest.is_withdrawn:
        return render(
            request,
            "publication/open/notice.html",
            {"organisation": organisation, "publication": latest, "segment": segment},
            status=404,
        )
    shown = latest
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        shown = next((v for v in versions if v.number == int(wanted)), None)
        if shown is None:
            raise Http404(_("There is no such version."))
    return render(
        request, "publication/open/record.html", record_context(organisation, shown, versions)
    )


@require_safe
def notice(request, slug, segment, source_id):
    kind = _kind(segment)
    versions = selectors.withdrawn_notices_of_record(slug, kind, source_id)
    if not versions:
        raise Http404(_("There is no withdrawal notice for this record."))
    latest = versions[0]
    return render(
        request,
        "publication/open/notice.html",
        {"organisation": latest.organisation, "publication": latest, "segment": segment},
    )


@require_safe
def catalogue_page(request):
    return render(
        request,
        "publication/open/catalogue.html",
        {"catalogue": datasets.catalogue(request.build_absolute_uri("/").rstrip("/"))},
    )
