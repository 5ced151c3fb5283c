"""Milestones, quality reviews, AcICT advice, parliamentary papers and benefits of a project:
add (the forms sit on the project page), edit and delete, one set of views for all five."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from omslag.common.errors import ConflictError

from .. import access, services
from ..forms import ConfirmForm, part_form_class
from .base import form_errors_from, organisation_context, require

# kind: (title of the add form, of the edit form, of the delete question, message on success)
PART_TITLES = {
    "milestone": (
        gettext_lazy("Add a milestone"),
        gettext_lazy("Edit the milestone"),
        gettext_lazy("Delete the milestone “%(name)s”?"),
    ),
    "quality-review": (
        gettext_lazy("Add a quality review"),
        gettext_lazy("Edit the quality review"),
        gettext_lazy("Delete the quality review “%(name)s”?"),
    ),
    "review-advice": (
        gettext_lazy("Add AcICT advice"),
        gettext_lazy("Edit the AcICT advice"),
        gettext_lazy("Delete the AcICT advice “%(name)s”?"),
    ),
    "paper": (
        gettext_lazy("Add a parliamentary paper"),
        gettext_lazy("Edit the parliamentary paper"),
        gettext_lazy("Delete the parliamentary paper “%(name)s”?"),
    ),
    "benefit": (
        gettext_lazy("Add a benefit"),
        gettext_lazy("Edit the benefit"),
        gettext_lazy("Delete the benefit “%(name)s”?"),
    ),
}


def _model(kind):
    model = access.PARTS.get(kind)
    if model is None:
        raise Http404("No such kind of project part.")
    return model


def _back(project, kind) -> str:
    return reverse("projects:project", args=[project.pk]) + f"#{kind}"


def _titles(kind, part=None) -> dict:
    add, edit, delete = PART_TITLES[kind]
    return {
        "add_title": add,
        "edit_title": edit,
        "delete_title": delete % {"name": part} if part is not None else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def part_add(request, pk, kind):
    model = _model(kind)
    project = access.project_get_readable(request.user, pk)
    require(access.projects_can_change(request.user, project.organisation))
    form = part_form_class(model)(
        request.POST or None, instance=model(project=project), prefix=kind
    )
    if request.method == "POST" and form.is_valid():
        try:
            part = services.part_create(
                actor=request.user, model=model, project=project, **form.changes()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": part})
            return redirect(_back(project, kind))
    return render(
        request,
        "projects/part_form.html",
        {
            **organisation_context(request.user, project.organisation),
            "project": project,
            "kind": kind,
            "form": form,
            **_titles(kind),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request, kind, pk):
    model = _model(kind)
    part = access.part_get_readable(request.user, model, pk)
    project = part.project
    require(access.record_can_change(request.user, part))
    form_class = part_form_class(model)
    form = form_class(request.POST or None, instance=part, prefix=kind)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.part_update(
                actor=request.user,
                part=part,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            part = conflict.current
            form = form_class(instance=part, prefix=kind)
            status = 409
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": part})
            return redirect(_back(project, kind))
    return render(
        request,
        "projects/part_form.html",
        {
            **organisation_context(request.user, project.organisation),
            "project": project,
            "kind": kind,
            "part": part,
            "form": form,
            "conflict": status == 409,
            **_titles(kind, part),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def part_delete(request, kind, pk):
    model = _model(kind)
    part = access.part_get_readable(request.user, model, pk)
    project = part.project
    require(access.record_can_change(request.user, part))
    form = ConfirmForm(request.POST or None, initial={"version": part.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.part_delete(
                actor=request.user, part=part, expected_version=form.cleaned_data["version"]
            )
        except ConflictError as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(
                request,
                _("“%(name)s” was deleted. It can be restored from its history.") % {"name": part},
            )
        return redirect(_back(project, kind))
    return render(
        request,
        "projects/part_delete.html",
        {
            **organisation_context(request.user, project.organisation),
            "project": project,
            "kind": kind,
            "part": part,
            "form": form,
            **_titles(kind, part),
        },
    )
