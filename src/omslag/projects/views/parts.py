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

from omslag.common.access import require
from omslag.common.pages import confirmed_delete, form_errors_from, versioned_edit
from omslag.organisations.selectors import organisation_context

from .. import access, services
from ..forms import (
    part_form_class,
)

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
            **organisation_context(request.user, project.organisation, access.projects_can_change),
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
    edit = versioned_edit(
        request,
        part,
        lambda data, record: form_class(data, instance=record, prefix=kind),
        lambda **changes: services.part_update(actor=request.user, part=part, **changes),
    )
    if edit.saved:
        messages.success(request, _("“%(name)s” was saved.") % {"name": part})
        return redirect(_back(project, kind))
    return render(
        request,
        "projects/part_form.html",
        {
            **organisation_context(request.user, project.organisation, access.projects_can_change),
            "project": project,
            "kind": kind,
            "part": edit.record,
            "form": edit.form,
            "conflict": edit.conflict,
            **_titles(kind, edit.record),
        },
        status=edit.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def part_delete(request, kind, pk):
    model = _model(kind)
    part = access.part_get_readable(request.user, model, pk)
    project = part.project
    require(access.record_can_change(request.user, part))
    deletion = confirmed_delete(
        request,
        part,
        lambda **version: services.part_delete(actor=request.user, part=part, **version),
    )
    if deletion.deleted:
        messages.success(
            request,
            _("“%(name)s” was deleted. It can be restored from its history.") % {"name": part},
        )
    if deletion.finished:
        return redirect(_back(project, kind))
    return render(
        request,
        "projects/part_delete.html",
        {
            **organisation_context(request.user, project.organisation, access.projects_can_change),
            "project": project,
            "kind": kind,
            "part": part,
            "form": deletion.form,
            **_titles(kind, part),
        },
    )
