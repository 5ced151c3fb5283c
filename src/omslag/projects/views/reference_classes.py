"""Pages of the reference classes: the classes an organisation may use (its own, its
ancestors' and the shipped one), building one from its own projects or a file, and a page per
class with the distribution of its ratios."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from omslag.analysis.projects import MIN_PAIRS, OVERRUN_RATIO, forecast
from omslag.common.access import require
from omslag.common.errors import RuleViolation
from omslag.common.pages import form_errors_from
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, presentation, selectors, services
from ..forms import ReferenceClassBuildForm, ReferenceClassUploadForm
from ..models import ReferenceClass

QUANTILES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def _save(request, organisation, action, build_form, upload_form):
    """Run the chosen form's service; the class saved, or None with the problem shown."""
    form = build_form if action == "build" else upload_form
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if action == "build":
            return services.reference_class_build_from_projects(
                actor=request.user, organisation=organisation, name=data["name"]
            )
        return services.reference_class_save(
            actor=request.user,
            organisation=organisation,
            name=data["name"],
            pairs=data["file"],
            origin=ReferenceClass.Origin.FILE,
            kind=data["kind"],
            source=data["source"] or _("Uploaded from %(file)s.") % {"file": form.file_name},
            limits=data["limits"],
        )
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
    except ValidationError as error:
        form_errors_from(form, error)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def reference_class_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    context = organisation_context(request.user, organisation, access.projects_can_change)
    action = request.POST.get("action") if request.method == "POST" else None
    build_form = ReferenceClassBuildForm(
        request.POST if action == "build" else None,
        prefix="build",
        initial={"name": _("Own projects")},
    )
    upload_form = ReferenceClassUploadForm(
        request.POST if action == "upload" else None,
        request.FILES if action == "upload" else None,
        prefix="upload",
    )
    status = 200
    if request.method == "POST":
        require(context["can_change"])
        saved = _save(request, organisation, action, build_form, upload_form)
        if saved is not None:
            messages.success(
                request,
                _("The reference class %(name)s was saved with %(n)s pairs.")
                % {"name": saved.name, "n": saved.pairs.count()},
            )
            return redirect(_class_url(saved, organisation))
        status = 422
    services.reference_class_shipped()  # created on first use
    return render(
        request,
        "projects/reference_class_list.html",
        {
            **context,
            "classes": selectors.reference_classes_usable(organisation),
            "build_form": build_form,
            "upload_form": upload_form,
            "min_pairs": MIN_PAIRS,
        },
        status=status,
    )


def _class_url(reference_class, organisation) -> str:
    return (
        reverse("projects:reference-class", args=[reference_class.pk])
        + f"?organisation={organisation.slug}"
    )


@login_required
def reference_class_detail(request, pk):
    reference_class = access.reference_class_get_readable(request.user, pk)
    # The organisation the reader came from, for the breadcrumbs and the way back; a shipped
    # class belongs to none.
    if request.GET.get("organisation"):
        organisation = organisation_get_readable(request.user, request.GET["organisation"])
    elif reference_class.organisation is not None and access.projects_can_read(
        request.user, reference_class.organisation
    ):
        organisation = reference_class.organisation
    else:
        organisation = None  # shipped, or an ancestor's class the reader may use but not open
    ratios = selectors.reference_ratios(reference_class)
    chart = bins = quantiles = None
    if len(ratios) >= MIN_PAIRS:
        quantiles = forecast(1.0, ratios, QUANTILES)
        chart, bins = presentation.ratio_chart(reference_class, ratios, quantiles)
    context = (
        organisation_context(request.user, organisation, access.projects_can_change)
        if organisation
        else {}
    )
    return render(
        request,
        "projects/reference_class_detail.html",
        {
            **context,
            "reference_class": reference_class,
            "pair_count": len(ratios),
            "quantiles": quantiles,
            "quantile_rows": [
                (round(q * 100), r, (r - 1) * 100)
                for q, r in zip(QUANTILES, quantiles.ratio_quantiles, strict=True)
            ]
            if quantiles
            else [],
            "chart": chart,
            "bins": bins,
            "overrun_ratio": OVERRUN_RATIO,
            "can_change_class": access.reference_class_can_change(request.user, reference_class),
        },
    )
