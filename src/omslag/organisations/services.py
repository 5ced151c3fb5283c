"""Writes of organisations, people and memberships: each one atomic, validated and recorded
in the record's history with who did it."""

from typing import Any, NotRequired, TypedDict

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Substr
from django.utils.translation import gettext as _

from omslag.common import audit
from omslag.common.errors import RuleViolation
from omslag.common.history import (
    bulk_create_with_history_sql,
    historical_values,
    save_with_history,
)
from omslag.common.locking import version_claim
from omslag.common.records import record_soft_delete, record_update
from omslag.common.stored_figures import organisation_subtrees_changed

from .access import access_forget
from .models import Membership, Organisation

ORGANISATION_EDITABLE = ("name", "kind", "description")


class OrganisationRow(TypedDict):
    """One organisation of an import; ``parent`` is an Organisation, the slug of an earlier
    row, or None for a top-level organisation."""

    name: str
    slug: str
    kind: str
    description: NotRequired[str]
    parent: NotRequired[Organisation | str | None]


def _set_path(organisation: Organisation) -> None:
    parent_path = organisation.parent.path if organisation.parent_id else "/"
    organisation.path = f"{parent_path}{organisation.pk}/"


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    name: str,
    slug: str,
    kind: str,
    parent: Organisation | None = None,
    description: str = "",
) -> Organisation:
    if parent is not None and parent.is_deleted:
        raise RuleViolation(_("The parent organisation has been deleted."))
    organisation = Organisation(
        name=name, slug=slug, kind=kind, parent=parent, description=description or ""
    )
    organisation.full_clean(exclude=["path"])
    organisation._history_user = actor
    organisation.save()
    _set_path(organisation)
    Organisation.all_objects.filter(pk=organisation.pk).update(path=organisation.path)
    return organisation


@transaction.atomic
def organisations_create_many(
    *, actor: Any, rows: list[OrganisationRow], reason: str = ""
) -> list[Organisation]:
    """Create many organisations at once (an import): validated like one, saved in bulk.

    ``rows`` hold name, slug, kind, description and ``parent``: an Organisation or the slug of
    an earlier row. The caller has checked that the slugs are free. The rows are inserted level
    by level (a parent before its children, as a path holds the ids above it), each level with
    one INSERT, its paths with one UPDATE and its history with one INSERT … SELECT: a handful
    of statements per level instead of nine per organisation.
    """
    made: dict[str, Organisation] = {}
    waiting = list(rows)
    while waiting:
        level: list[Organisation] = []
        later: list[OrganisationRow] = []
        for row in waiting:
            parent = row.get("parent")
            if isinstance(parent, str):
                parent = made.get(parent)
                if parent is None:
                    later.append(row)
                    continue
            if parent is not None and parent.is_deleted:
                raise RuleViolation(_("The parent organisation has been deleted."))
            organisation = Organisation(
                name=row["name"],
                slug=row["slug"],
                kind=row["kind"],
                parent=parent,
                description=row.get("description") or "",
            )
            # Uniqueness of the slug and the parent's existence are the caller's checks.
            organisation.full_clean(exclude=["path", "parent"], validate_unique=False)
            level.append(organisation)
        if not level:
            raise RuleViolation(_("An organisation's parent is not among the organisations."))
        bulk_create_with_history_sql(Organisation, level, actor=actor, reason=reason)
        ids = [organisation.pk for organisation in level]
        parent_path = Organisation.all_objects.filter(pk=OuterRef("parent_id")).values("path")
        for start in range(0, len(ids), 1000):
            Organisation.all_objects.filter(pk__in=ids[start : start + 1000]).update(
                path=Concat(
                    Coalesce(Subquery(parent_path), Value("/")),
                    Cast("pk", CharField()),
                    Value("/"),
                    output_field=CharField(),
                )
            )
        for organisation in level:
            _set_path(organisation)
            made[organisation.slug] = organisation
        waiting = later
    return [made[row["slug"]] for row in rows]


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, expected_version: int, **changes: Any
) -> Organisation:
    """Change the descriptive fields; refused with ConflictError when the version is stale."""
    return record_update(
        organisation,
        actor=actor,
        expected_version=expected_version,
        allowed=ORGANISATION_EDITABLE,
        changes=changes,
    )


@transaction.atomic
def organisation_delete(
    *, actor: Any, organisation: Organisation, expected_version: int | None = None
) -> None:
    """Soft delete; refused while the organisation still has organisations below it."""
    if organisation.children.exists():
        raise RuleViolation(
            _("%(name)s still has organisations below it; delete or move those first.")
            % {"name": organisation.name}
        )
    record_soft_delete(organisation, actor=actor, expected_version=expected_version)
    # The figures of the organisations above, which added it up, no longer hold it.
    organisation_subtrees_changed(organisation.ancestor_ids)


@transaction.atomic
def organisation_move(
    *,
    actor: Any,
    organisation: Organisation,
    parent: Organisation | None,
    expected_version: int,
) -> Organisation:
    """Place ``organisation`` (with everything below it) under ``parent``, or at the top
    when ``parent`` is None; refused when the version is stale. The stored figures of the
    organisations above it before and after the move are marked changed and refreshed."""
    if parent is not None:
        if parent.is_deleted:
            raise RuleViolation(_("The parent organisation has been deleted."))
        if parent.path.startswith(organisation.path):
            raise RuleViolation(
                _("%(name)s cannot be placed below itself or an organisation below it.")
                % {"name": organisation.name}
            )
    if organisation.is_deleted:
        raise RuleViolation(_("Restore the organisation before moving it."))
    if (parent.pk if parent else None) == organisation.parent_id:
        return organisation
    old_path, old_above = organisation.path, set(organisation.ancestor_ids)
    version_claim(organisation, expected_version)
    organisation.parent = parent
    _set_path(organisation)
    save_with_history(organisation, actor=actor, reason=_("moved"))
    # Every path below starts with the old one: one UPDATE puts the new beginning in front.
    Organisation.all_objects.filter(path__startswith=old_path).update(
        path=Concat(
            Value(organisation.path),
            Substr("path", len(old_path) + 1),
            output_field=CharField(),
        )
    )
    organisation_subtrees_changed(old_above ^ set(organisation.ancestor_ids))
    return organisation


@transaction.atomic
def organisation_restore(*, actor: Any, record: Organisation, history_id: int) -> Organisation:
    """Put back the descriptive fields (and the deleted state) of an earlier version."""
    values = historical_values(record, history_id)
    if values["parent_id"] != record.parent_id:
        raise RuleViolation(_("Restoring a version under another parent is not supported."))
    if (
        record.deleted_at
        and not values["deleted_at"]
        and record.parent
        and record.parent.is_deleted
    ):
        raise RuleViolation(_("Restore the parent organisation first."))
    was_deleted = record.deleted_at is not None
    version_claim(record, record.version)
    for name in (*ORGANISATION_EDITABLE, "deleted_at"):
        setattr(record, name, values[name])
    save_with_history(record, actor=actor, reason=_("restored an earlier version"))
    if was_deleted != (record.deleted_at is not None):
        organisation_subtrees_changed(record.ancestor_ids)
    return record


def person_find_or_create(*, email: str, full_name: str = "") -> Any:
    """The person with this e-mail address; created without a password if new. (A person is
    ``Any``: the user model comes from the settings, and accounts imports this app.)"""
    Person = get_user_model()
    email = email.strip().lower()
    person = Person.objects.filter(email__iexact=email).first()
    if person is None:
        person = Person(email=email, full_name=full_name or email.split("@")[0])
        person.set_unusable_password()
        person.full_clean(exclude=["password"])
        person.save()
    return person


@transaction.atomic
def membership_create(
    *, actor: Any, person: Any, organisation: Organisation, role: str
) -> Membership:
    membership = Membership(person=person, organisation=organisation, role=role)
    save_with_history(membership, actor=actor)
    access_forget(person)
    audit.record(
        "role_granted",
        person=actor,
        organisation=organisation,
        detail={"member": person.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_update(
    *, actor: Any, membership: Membership, expected_version: int, role: str
) -> Membership:
    version_claim(membership, expected_version)
    before = membership.role
    membership.role = role
    save_with_history(membership, actor=actor)
    access_forget(membership.person)
    audit.record(
        "role_changed",
        person=actor,
        organisation=membership.organisation,
        detail={"member": membership.person.email, "role": role, "previous_role": before},
    )
    return membership


@transaction.atomic
def membership_delete(
    *, actor: Any, membership: Membership, expected_version: int | None = None
) -> None:
    if membership.person_id == getattr(actor, "pk", None) and membership.role == "admin":
        others = Membership.objects.filter(organisation=membership.organisation, role="admin")
        if not others.exclude(pk=membership.pk).exists():
            raise RuleViolation(
                _("You are the last administrator of %(org)s; add another one first.")
                % {"org": membership.organisation}
            )
    record_soft_delete(membership, actor=actor, expected_version=expected_version)
    access_forget(membership.person)
    audit.record(
        "role_removed",
        person=actor,
        organisation=membership.organisation,
        detail={"member": membership.person.email, "role": membership.role},
    )


@transaction.atomic
def membership_restore(*, actor: Any, record: Membership, history_id: int) -> Membership:
    values = historical_values(record, history_id)
    version_claim(record, record.version)
    before = (record.role, record.deleted_at)
    record.role = values["role"]
    record.deleted_at = values["deleted_at"]
    try:
        save_with_history(record, actor=actor, reason=_("restored an earlier version"))
    except ValidationError as exc:
        raise RuleViolation("; ".join(exc.messages)) from None
    access_forget(record.person)
    if before != (record.role, record.deleted_at):
        event = "role_removed" if record.deleted_at else "role_changed"
        if before[1] and not record.deleted_at:
            event = "role_granted"
        audit.record(
            event,
            person=actor,
            organisation=record.organisation,
            detail={"member": record.person.email, "role": record.role, "restored": "yes"},
        )
    return record


@transaction.atomic
def organisation_two_factor_set(
    *, actor: Any, organisation: Organisation, required: bool
) -> Organisation:
    """Require (or stop requiring) a second factor of the organisation's administrators; it
    holds from their next sign-in."""
    organisation.two_factor_for_admins = bool(required)
    save_with_history(
        organisation,
        actor=actor,
        reason=_("second factor for administrators: %(state)s")
        % {"state": _("required") if required else _("optional")},
    )
    return organisation
