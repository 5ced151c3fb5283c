"""Reads of organisations and memberships, always limited to what the person may read."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import Q, QuerySet

from .access import manageable_paths, readable_paths
from .models import Invitation, Membership, Organisation, Role


def _organisations_below(
    person: Any, paths_of: Callable[[Any], list[str] | None]
) -> QuerySet[Organisation]:
    """The organisations in the subtrees ``paths_of(person)`` names (None: every one)."""
    queryset = Organisation.objects.all()
    if not person.is_authenticated:
        return queryset.none()
    paths = paths_of(person)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return queryset.filter(condition)


def organisations_readable(person: Any) -> QuerySet[Organisation]:
    return _organisations_below(person, readable_paths)


def organisations_manageable(person: Any) -> QuerySet[Organisation]:
    """The organisations the person administers (through a role on them or above them)."""
    return _organisations_below(person, manageable_paths)


@dataclass(frozen=True)
class MoveTarget:
    """An organisation something may be moved under, with ``chain``: the names from the top
    down to it, its label in a choice."""

    slug: str
    name: str
    chain: str


def organisation_move_targets(person: Any, organisation: Organisation) -> list[MoveTarget]:
    """The organisations ``organisation`` may be moved under by the person: those they
    administer, without the organisation itself, everything below it and its current parent;
    in the order of their chains."""
    candidates = list(
        organisations_manageable(person)
        .exclude(path__startswith=organisation.path)
        .exclude(pk=organisation.parent_id or 0)
        .only("pk", "name", "path", "slug")
    )
    above = {i for candidate in candidates for i in candidate.ancestor_ids}
    names = dict(Organisation.all_objects.filter(pk__in=above).values_list("pk", "name"))
    targets = [
        MoveTarget(
            slug=candidate.slug,
            name=candidate.name,
            chain=" / ".join(
                [*(names[i] for i in candidate.ancestor_ids if i in names), candidate.name]
            ),
        )
        for candidate in candidates
    ]
    return sorted(targets, key=lambda target: target.chain.lower())


class MovePreview(TypedDict):
    """What a move of an organisation does, for its confirmation."""

    below: int
    old_chain: list[Organisation]
    new_chain: list[Organisation]


def organisation_move_preview(
    organisation: Organisation, parent: Organisation | None
) -> MovePreview:
    """How many organisations move along (below ``organisation``) and the organisations above
    it before and after the move (top first): their stored figures are refreshed."""
    new_chain = [*organisation_ancestors(parent), parent] if parent is not None else []
    return {
        "below": organisation_subtree(organisation).exclude(pk=organisation.pk).count(),
        "old_chain": organisation_ancestors(organisation),
        "new_chain": new_chain,
    }


def organisation_by_slug(slug: str) -> Organisation | None:
    """The live organisation with this short name, for the command line (which reads all)."""
    return Organisation.objects.filter(slug=slug).first()


def organisations_by_slugs(slugs: Iterable[str]) -> dict[str, Organisation]:
    """The live organisations with these short names, by short name (unknown ones left out)."""
    return Organisation.objects.in_bulk(set(slugs), field_name="slug")


def role_codes() -> list[str]:
    """The codes of the roles a membership can give, in their order."""
    return list(Role.values)


def memberships_of_person(person: Any) -> QuerySet[Membership]:
    """The person's own memberships, with their organisations."""
    return Membership.objects.filter(person=person).select_related("organisation")


def organisation_tree(person: Any) -> list[tuple[Organisation, int]]:
    """Readable organisations in tree order with their depth relative to the shallowest."""
    organisations = list(organisations_readable(person).order_by("path"))
    by_id = {o.pk: o for o in organisations}

    def sort_key(organisation: Organisation) -> list[str]:
        # Sort siblings by name: the key is the names along the path.
        names = [by_id[i].name.lower() for i in organisation.ancestor_ids if i in by_id]
        return [*names, organisation.name.lower()]

    organisations.sort(key=sort_key)
    base = min((o.depth for o in organisations), default=0)
    result = []
    for organisation in organisations:
        visible_ancestors = [i for i in organisation.ancestor_ids if i in by_id]
        result.append((organisation, len(visible_ancestors) if base >= 0 else 0))
    return result


def organisation_subtree(organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=organisation.path)


def organisation_ancestors(organisation: Organisation) -> list[Organisation]:
    ids = organisation.ancestor_ids
    found = {o.pk: o for o in Organisation.all_objects.filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def organisation_slugs_with_ancestors(organisation_ids: Iterable[int]) -> list[str]:
    """The slugs of these organisations and of every organisation above them (the pages whose
    figures a change to their registers touches)."""
    found = Organisation.objects.filter(pk__in=list(organisation_ids)).only("pk", "path")
    ids = {i for o in found for i in (*o.ancestor_ids, o.pk)}
    return sorted(Organisation.objects.filter(pk__in=ids).values_list("slug", flat=True))


def organisation_context(
    person: Any,
    organisation: Organisation,
    can_change: Callable[[Any, Organisation], bool] | None = None,
) -> dict[str, Any]:
    """What every page about an organisation's register shows: the organisation, its
    ancestors for the breadcrumbs and, given the register's ``can_change(person,
    organisation)`` from its access module, whether the person may change it."""
    context: dict[str, Any] = {
        "organisation": organisation,
        "ancestors": organisation_ancestors(organisation),
    }
    if can_change is not None:
        context["can_change"] = can_change(person, organisation)
    return context


def memberships_of_organisation(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("person", "organisation")
        .order_by("person__full_name", "role")
    )


def memberships_readable(
    person: Any, organisation: Organisation | None = None
) -> QuerySet[Membership]:
    """Memberships in organisations the person may read (optionally one subtree)."""
    organisations = organisations_readable(person)
    if organisation is not None:
        organisations = organisations.filter(path__startswith=organisation.path)
    return (
        Membership.objects.filter(organisation__in=organisations)
        .select_related("person", "organisation")
        .order_by("organisation__name", "person__full_name", "role")
    )


def memberships_inherited(organisation: Organisation) -> QuerySet[Membership]:
    """Memberships on ancestors, which also hold here."""
    return (
        Membership.objects.filter(organisation_id__in=organisation.ancestor_ids)
        .select_related("person", "organisation")
        .order_by("organisation__path", "person__full_name", "role")
    )


def invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    """The invitations to ``organisation``, newest first."""
    return Invitation.objects.filter(organisation=organisation).select_related("invited_by")
