"""What every innovation page shares: the permission check, the organisation's context for
breadcrumbs and links, paging, and putting service errors on forms."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from omslag.organisations.selectors import organisation_ancestors

from .. import access

PAGE_SIZE = 50


def require(allowed: bool) -> None:
    """Refuse with 403 (the page says the role does not allow it)."""
    if not allowed:
        raise PermissionDenied


def organisation_context(person, organisation) -> dict:
    return {
        "organisation": organisation,
        "ancestors": organisation_ancestors(organisation),
        "can_change": access.pipeline_can_change(person, organisation),
    }


def paginate(request, items, per_page: int = PAGE_SIZE):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def form_errors_from(form, error) -> None:
    """Put a ValidationError raised by a service's full_clean() on the form's fields (or on
    the form, for errors that belong to no field of it)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def filters_of(form) -> dict:
    """The valid values of a filter form read from the query string; invalid ones are left
    out (and shown by the form)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value}
