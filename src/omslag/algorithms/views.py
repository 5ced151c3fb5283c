"""Pages of the algorithm register and the Algoritmekader browser. Each view: access check,
one service or selector call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from omslag.common.access import require
from omslag.common.errors import ConflictError, RuleViolation
from omslag.common.pages import (
    EXPORT_FORMATS,
    confirmed_delete,
    form_errors_from,
    paginate,
    versioned_edit_page,
)
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from . import access, exports, selectors, services
from .forms import (
    AlgorithmFilterForm,
    AlgorithmForm,
    MeasureStateForm,
)
from .models import AlgorithmRecord, Measure, MeasureState
from .services import TRANSITIONS


@login_required
def algorithm_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    form = AlgorithmFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.AlgorithmFilters(
        search=data.get("q", ""),
        risk_group=tuple(data.get("risk_group") or ()),
        status=tuple(data.get("status") or ()),
    )
    page = paginate(request, selectors.algorithm_list(organisation, filters))
    return render(
        request,
        "algorithms/algorithm_list.html",
        {
            **organisation_context(request.user, organisation, access.algorithms_can_change),
            "form": form,
            "filtered": any((filters.search, filters.risk_group, filters.status)),
            "page": page,
            "export_formats": EXPORT_FORMATS,
        },
    )


@login_required
def algorithm_detail(request, pk):
    algorithm = access.algorithm_get_readable(request.user, pk)
    overview = selectors.measure_overview(algorithm)
    for group in overview.groups:
        for measure in group.measures:
            allowed = {measure.state, *TRANSITIONS[measure.state]}
            measure.state_label = MeasureState.State(measure.state).label
            measure.form = MeasureStateForm(
                initial={
                    "state": measure.state,
                    "reason": getattr(measure.state_record, "reason", ""),
                },
                prefix=f"m{measure.pk}",
            )
            measure.form.fields["state"].choices = [
                c for c in measure.form.fields["state"].choices if c[0] in allowed
            ]
    return render(
        request,
        "algorithms/algorithm_detail.html",
        {
            **organisation_context(
                request.user, algorithm.organisation, access.algorithms_can_change
            ),
            "algorithm": algorithm,
            "standard": exports.algorithm_as_standard(algorithm),
            "overview": overview,
            "state_counts": [
                (MeasureState.State(state).label, count)
                for state, count in sorted(overview.counts.items())
            ],
        },
    )


@login_required
@require_POST
def measure_state_change(request, pk, key):
    algorithm = access.algorithm_get_readable(request.user, pk)
    require(access.algorithm_can_change(request.user, algorithm))
    measure = get_object_or_404(Measure, key=key)
    form = MeasureStateForm(request.POST, prefix=f"m{measure.pk}")
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, f"{measure.code}: {problem}")
    else:
        try:
            services.measure_state_set(
                actor=request.user,
                algorithm=algorithm,
                measure=measure,
                state=form.cleaned_data["state"],
                reason=form.cleaned_data["reason"],
            )
        except (RuleViolation, ConflictError) as error:
            messages.error(request, error.message)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(
                request, _("The state of %(code)s was saved.") % {"code": measure.code}
            )
    return redirect(f"{algorithm_url(algorithm)}#measure-{measure.key}")


def algorithm_url(algorithm) -> str:
    return reverse("algorithms:detail", args=[algorithm.pk])


def _save_form(request, form, organisation):
    try:
        return services.algorithm_create(
            actor=request.user, organisation=organisation, **form.changes()
        )
    except ValidationError as error:
        form_errors_from(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def algorithm_add(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.algorithms_can_change(request.user, organisation))
    form = AlgorithmForm(request.POST or None, instance=AlgorithmRecord(organisation=organisation))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            saved = _save_form(request, form, organisation)
            if saved is not None:
                messages.success(request, _("%(name)s was added.") % {"name": saved.name})
                return redirect("algorithms:detail", pk=saved.pk)
        status = 400
    return render(
        request,
        "algorithms/algorithm_form.html",
        {
            **organisation_context(request.user, organisation, access.algorithms_can_change),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def algorithm_edit(request, pk):
    algorithm = access.algorithm_get_readable(request.user, pk)
    organisation = algorithm.organisation
    require(access.algorithms_can_change(request.user, organisation))
    return versioned_edit_page(
        request,
        algorithm,
        lambda data, record: AlgorithmForm(data, instance=record),
        # A form sent without its version is taken as based on the stored one.
        lambda expected_version, **changes: services.algorithm_update(
            actor=request.user,
            algorithm=algorithm,
            expected_version=expected_version or algorithm.version,
            **changes,
        ),
        template="algorithms/algorithm_form.html",
        context=organisation_context(request.user, organisation, access.algorithms_can_change),
        record_name="algorithm",
        saved_message=lambda saved: _("%(name)s was saved.") % {"name": saved.name},
        saved_url=reverse("algorithms:detail", args=[algorithm.pk]),
        invalid_status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def algorithm_delete(request, pk):
    algorithm = access.algorithm_get_readable(request.user, pk)
    organisation = algorithm.organisation
    require(access.algorithms_can_change(request.user, organisation))
    deletion = confirmed_delete(
        request,
        algorithm,
        lambda **version: services.algorithm_delete(
            actor=request.user, algorithm=algorithm, **version
        ),
    )
    if deletion.refused:
        return redirect("algorithms:detail", pk=algorithm.pk)
    if deletion.deleted:
        messages.success(request, _("%(name)s was deleted.") % {"name": algorithm.name})
        return redirect("algorithms:list", slug=organisation.slug)
    return render(
        request,
        "algorithms/algorithm_delete.html",
        {
            **organisation_context(request.user, organisation, access.algorithms_can_change),
            "algorithm": algorithm,
            "form": deletion.form,
        },
    )


@login_required
def register_json(request, slug):
    """The organisation's algorithms in the national publication standard, as a download."""
    organisation = organisation_get_readable(request.user, slug)
    content = exports.algorithms_as_standard_json(selectors.algorithms_for_export(organisation))
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="algoritmeregister-{organisation.slug}.json"'
    )
    return response


@login_required
def framework_browser(request):
    require(access.framework_can_read(request.user))
    search = request.GET.get("q", "").strip()[:200]
    phase = request.GET.get("phase", "").strip()[:80]
    show = request.GET.get("show", "requirements")
    if show not in ("requirements", "measures"):
        show = "requirements"
    items = (
        selectors.requirement_search(search, phase)
        if show == "requirements"
        else selectors.measure_search(search, phase)
    )
    page = paginate(request, items)
    return render(
        request,
        "algorithms/framework.html",
        {
            "page": page,
            "search": search,
            "phase": phase,
            "show": show,
            "phases": selectors.phases(),
        },
    )
