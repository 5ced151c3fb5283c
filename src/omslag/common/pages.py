"""What the pages of every app share: paging, filter forms read from the query string, a
service's validation errors put on a form, and the edit and the confirmed delete of a record
with a version."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from omslag.common.errors import ConflictError, DomainError
from omslag.common.forms import ConfirmForm
from omslag.common.tabular.formats import FORMATS

PAGE_SIZE = 50
EXPORT_FORMATS = [(f, f.upper()) for f in FORMATS]


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    """The page of ``items`` that ``?page=`` asks for (the last one when it is past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def sort_columns(columns: Any, current: str) -> list[dict[str, Any]]:
    """The headings of a sortable table (``components/sort_heading.html``): for each
    ``(key, label, numeric)`` its ``aria-sort`` under the current sort (``key`` ascending,
    ``-key`` descending) and the sort its link asks for next."""
    headings = []
    for key, label, numeric in columns:
        if current == key:
            aria_sort, next_sort = "ascending", f"-{key}"
        elif current == f"-{key}":
            aria_sort, next_sort = "descending", key
        else:
            aria_sort, next_sort = "", key
        headings.append(
            {
                "key": key,
                "label": label,
                "numeric": numeric,
                "aria_sort": aria_sort,
                "next": next_sort,
            }
        )
    return headings


def filters_of(form: forms.Form) -> dict[str, Any]:
    """The valid values of a filter form read from the query string; invalid ones are left
    out (and shown by the form)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value}


def form_errors_from(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a ValidationError raised by a service's full_clean() on the form's fields (or on
    the form, for errors that belong to no field of it)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@dataclass(frozen=True)
class VersionedEdit:
    """What an edit page shows next: ``saved`` (redirect), or ``form`` and ``record`` again with
    ``status`` 409 when somebody else saved the record in between."""

    form: Any
    record: Any
    status: int = 200
    saved: bool = False

    @property
    def conflict(self) -> bool:
        return self.status == 409


def versioned_edit(
    request: HttpRequest,
    record: Any,
    make_form: Callable[[Any, Any], Any],
    save: Callable[..., Any],
    *,
    refusals: tuple[type[DomainError], ...] = (),
    invalid_status: int = 200,
) -> VersionedEdit:
    """The edit of a record that has a version, as every edit page does it.
    ``make_form(data, record)`` builds the form; on a valid POST ``save(expected_version=…,
    **changes)`` calls the service. A stale version gives 409 with the conflict message and a
    fresh form holding the current values; a service's ValidationError lands on the form, as
    does one of ``refusals`` (a rule the change breaks, 422). A page that answers an invalid
    form with 400 says so with ``invalid_status``."""
    form = make_form(request.POST or None, record)
    if request.method != "POST":
        return VersionedEdit(form, record)
    if not form.is_valid():
        return VersionedEdit(form, record, status=invalid_status)
    try:
        save(expected_version=form.cleaned_data["version"], **form.changes())
    except ConflictError as conflict:
        messages.error(request, conflict.message)
        return VersionedEdit(make_form(None, conflict.current), conflict.current, status=409)
    except ValidationError as error:
        form_errors_from(form, error)
        return VersionedEdit(form, record, status=invalid_status)
    except refusals as refusal:
        form.add_error(None, refusal.message)
        return VersionedEdit(form, record, status=422)
    return VersionedEdit(form, record, saved=True)


def versioned_edit_page(
    request: HttpRequest,
    record: Any,
    make_form: Callable[[Any, Any], Any],
    save: Callable[..., Any],
    *,
    template: str,
    context: Mapping[str, Any],
    record_name: str,
    saved_message: Callable[[Any], str],
    saved_url: str,
    invalid_status: int = 200,
) -> HttpResponse:
    """The whole edit page of a record with a version: :func:`versioned_edit`, then on a save
    ``saved_message(record)`` and a redirect to ``saved_url``; otherwise ``template`` with
    ``context``, the ``form``, the record shown (under ``record_name``: the current one after
    a conflict) and ``conflict``, answered with the edit's status."""
    edit = versioned_edit(request, record, make_form, save, invalid_status=invalid_status)
    if edit.saved:
        messages.success(request, saved_message(record))
        return redirect(saved_url)
    return render(
        request,
        template,
        {**context, "form": edit.form, record_name: edit.record, "conflict": edit.conflict},
        status=edit.status,
    )


@dataclass(frozen=True)
class ConfirmedDelete:
    """What a delete page shows next: ``deleted``, ``refused`` (the message is up; send the
    person back to the record), or the confirmation ``form`` again."""

    form: Any
    deleted: bool = False
    refused: bool = False

    @property
    def finished(self) -> bool:
        return self.deleted or self.refused


def confirmed_delete(
    request: HttpRequest,
    record: Any,
    delete: Callable[..., Any],
    *,
    refusals: tuple[type[DomainError], ...] = (ConflictError,),
) -> ConfirmedDelete:
    """The confirmation of a delete, as every delete page does it: a valid POST calls
    ``delete(expected_version=…)`` with the version the person saw; a stale version (or
    another of ``refusals``) puts its message up instead."""
    form = ConfirmForm(request.POST or None, initial={"version": record.version})
    if request.method != "POST" or not form.is_valid():
        return ConfirmedDelete(form)
    try:
        delete(expected_version=form.cleaned_data["version"])
    except refusals as refusal:
        messages.error(request, refusal.message)
        return ConfirmedDelete(form, refused=True)
    return ConfirmedDelete(form, deleted=True)
