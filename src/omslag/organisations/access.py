"""Who may do what to which organisation and membership: the one place this is decided.

A role on an organisation holds in that organisation and every organisation below it.
Platform administrators (``is_superuser``) may do everything. A record a person may not read
is reported as not found (404), so its existence is never revealed.
"""

from django.http import Http404

from omslag.common.access import require

from .models import Invitation, Membership, Organisation, Role

READ_ROLES = frozenset(Role.values)
CHANGE_ROLES = frozenset({Role.EDITOR, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.ADMIN})

_CACHE_ATTR = "_omslag_membership_paths"


def _membership_paths(person) -> list[tuple[str, str]]:
    """(organisation path, role) of the person's live memberships, loaded once per request."""
    cached = getattr(person, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(
                person=person, organisation__deleted_at__isnull=True
            ).values_list("organisation__path", "role")
        )
        setattr(person, _CACHE_ATTR, cached)
    return cached


def access_forget(person) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(person, _CACHE_ATTR):
        delattr(person, _CACHE_ATTR)


def person_roles(person, organisation: Organisation) -> frozenset[str]:
    """The roles ``person`` holds on ``organisation``, directly or through an ancestor."""
    if person is None or not person.is_authenticated or not person.is_active:
        return frozenset()
    if person.is_superuser:
        return READ_ROLES
    return frozenset(
        role for path, role in _membership_paths(person) if organisation.path.startswith(path)
    )


def readable_paths(person) -> list[str] | None:
    """Paths whose subtrees the person may read; None means everything."""
    if person.is_superuser:
        return None
    return sorted({path for path, _role in _membership_paths(person)})


def organisation_can_read(person, organisation: Organisation) -> bool:
    return bool(person_roles(person, organisation) & READ_ROLES)


def organisation_can_change(person, organisation: Organisation) -> bool:
    return bool(person_roles(person, organisation) & CHANGE_ROLES)


def organisation_can_delete(person, organisation: Organisation) -> bool:
    return bool(person_roles(person, organisation) & ADMIN_ROLES)


def organisation_can_add_child(person, organisation: Organisation) -> bool:
    return bool(person_roles(person, organisation) & ADMIN_ROLES)


def organisation_can_add_root(person) -> bool:
    return bool(person.is_authenticated and person.is_superuser)


def organisation_can_move(person, organisation: Organisation) -> bool:
    """Whether the person may take ``organisation`` (with everything below it) away from its
    parent: as for deleting it, an administrator's right."""
    return organisation_can_delete(person, organisation)


def organisation_can_move_to(person, parent: Organisation | None) -> bool:
    """Whether the person may place an organisation under ``parent`` (None: at the top): as
    for adding one there."""
    if parent is None:
        return organisation_can_add_root(person)
    return organisation_can_add_child(person, parent)


def manageable_paths(person) -> list[str] | None:
    """Paths whose subtrees the person administers; None means everything."""
    if person.is_superuser:
        return None
    return sorted({path for path, role in _membership_paths(person) if role in ADMIN_ROLES})


def organisation_can_manage_members(person, organisation: Organisation) -> bool:
    return bool(person_roles(person, organisation) & ADMIN_ROLES)


def organisation_can_restore(person, organisation: Organisation) -> bool:
    return organisation_can_change(person, organisation)


def organisation_can_import(person, organisation: Organisation) -> bool:
    return organisation_can_manage_members(person, organisation)


def organisation_get_readable(person, slug: str, *, include_deleted: bool = False):
    """The organisation with ``slug`` if the person may read it, else Http404."""
    manager = Organisation.all_objects if include_deleted else Organisation.objects
    organisation = manager.filter(slug=slug).first()
    if organisation is None or not organisation_can_read(person, organisation):
        raise Http404("No organisation matches the given query.")
    return organisation


def organisation_get_changeable(person, slug: str, can_change) -> Organisation:
    """The organisation with ``slug`` for a change to one of its registers: Http404 if the
    person may not read it, 403 if ``can_change(person, organisation)`` (the register's
    rule, from its app's access module) says no."""
    organisation = organisation_get_readable(person, slug)
    require(can_change(person, organisation))
    return organisation


def organisation_get_readable_by_pk(person, pk):
    organisation = Organisation.all_objects.filter(pk=pk).first()
    if organisation is None or not organisation_can_read(person, organisation):
        raise Http404("No organisation matches the given query.")
    return organisation


def membership_can_read(person, membership: Membership) -> bool:
    return organisation_can_read(person, membership.organisation)


def membership_can_change(person, membership: Membership) -> bool:
    return organisation_can_manage_members(person, membership.organisation)


def membership_get_readable(person, pk, *, include_deleted: bool = False) -> Membership:
    manager = Membership.all_objects if include_deleted else Membership.objects
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No membership matches the given query.") from None
    membership = manager.select_related("organisation", "person").filter(pk=pk).first()
    if membership is None or not membership_can_read(person, membership):
        raise Http404("No membership matches the given query.")
    return membership


def invitation_get_manageable(person, pk) -> Invitation:
    """The invitation with ``pk`` for a person who manages the members of its organisation:
    Http404 when they may not read the organisation, 403 when they may not manage it."""
    try:
        invitation = Invitation.objects.select_related("organisation").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        invitation = None
    if invitation is None or not organisation_can_read(person, invitation.organisation):
        raise Http404("No invitation matches the given query.")
    require(organisation_can_manage_members(person, invitation.organisation))
    return invitation


def two_factor_required(person) -> bool:
    """Whether the person must use a second factor: they are an administrator of an
    organisation that requires it for administrators, or of one above it (whose role holds
    there too)."""
    admin_paths = [
        path
        for path, role in Membership.objects.filter(
            person=person, role=Role.ADMIN, organisation__deleted_at__isnull=True
        ).values_list("organisation__path", "role")
    ]
    if not admin_paths:
        return False
    strict = Organisation.objects.filter(two_factor_for_admins=True).values_list("path", flat=True)
    return any(
        demanding.startswith(admin) or admin.startswith(demanding)
        for demanding in strict
        for admin in admin_paths
    )
