"""Writes of the publication workflow: propose, approve, reject, withdraw, configure.

Every function is atomic and takes the actor; ``actor`` None is the command line and the demo,
which act as the platform. Rights are checked by the caller (the pages, through ``access`` and
``common.access.require``); a service keeps only its rules, such as four eyes.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.organisations.models import Organisation

from .models import Kind, Licence, Publication, PublicationSettings
from .snapshots import camel_keys, snapshot_build, snapshot_diff


class FourEyesViolation(PermissionDenied):
    """The proposer tried to approve their own proposal."""


A = TypeVar("A")


def _person(actor: A) -> A | None:
    """The person acting, None for the platform (no actor, or one without a record)."""
    return actor if getattr(actor, "pk", None) else None


def publication_settings_of(organisation: Organisation) -> PublicationSettings:
    found = PublicationSettings.objects.filter(organisation=organisation).first()
    return found or PublicationSettings(organisation=organisation, kinds=list(Kind.values))


@transaction.atomic
def publication_settings_set(
    *, actor: Any, organisation: Organisation, kinds: Iterable[str], licence: str
) -> PublicationSettings:
    kinds = list(kinds)
    unknown = set(kinds) - set(Kind.values)
    if unknown or licence not in Licence.values:
        raise RuleViolation(_("Choose known kinds and a known licence."))
    found, _created = PublicationSettings.objects.update_or_create(
        organisation=organisation,
        defaults={"kinds": [k for k in Kind.values if k in kinds], "licence": licence},
    )
    return found


def publication_current(
    organisation: Organisation, kind: str, source_id: int
) -> Publication | None:
    """The latest approved version (withdrawn or not)."""
    return (
        Publication.objects.filter(
            organisation=organisation,
            kind=kind,
            source_id=source_id,
            status=Publication.Status.APPROVED,
        )
        .order_by("-number")
        .first()
    )


@transaction.atomic
def publication_propose(
    *, actor: Any, organisation: Organisation, kind: str, source_id: int
) -> Publication:
    """Freeze the record's public fields as a proposed new version."""
    if kind not in publication_settings_of(organisation).kinds:
        raise RuleViolation(_("This organisation does not publish this kind of record."))
    title, facet, snapshot = snapshot_build(kind, organisation, source_id)
    versions = Publication.objects.select_for_update().filter(
        organisation=organisation, kind=kind, source_id=source_id
    )
    if versions.filter(status=Publication.Status.PROPOSED).exists():
        raise RuleViolation(_("A proposal for this record is already waiting for approval."))
    current = publication_current(organisation, kind, source_id)
    if current is not None and not current.is_withdrawn and current.snapshot == snapshot:
        raise RuleViolation(_("Nothing changed since the published version."))
    last = versions.order_by("-number").values_list("number", flat=True).first() or 0
    publication = Publication(
        organisation=organisation,
        kind=kind,
        source_id=source_id,
        number=last + 1,
        title=title,
        facet=facet,
        snapshot=snapshot,
        public_data=camel_keys(snapshot),
        changes=snapshot_diff(current.snapshot if current else None, snapshot),
        proposed_by=_person(actor),
        proposed_at=timezone.now(),
    )
    publication.full_clean()
    publication.save()
    return publication


def _pending(publication: Publication) -> Publication:
    locked: Publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if locked.status != Publication.Status.PROPOSED:
        raise RuleViolation(_("This proposal was already decided."))
    return locked


@transaction.atomic
def publication_approve(*, actor: Any, publication: Publication) -> Publication:
    """Publish a proposal: four eyes, so never by the person who proposed it."""
    # A rule, not a right (the caller has checked that the actor may decide): four eyes.
    proposer = (
        _person(actor) is not None and publication.serializable_value("proposed_by") == actor.pk
    )
    if proposer:
        raise FourEyesViolation(
            _("You proposed this publication; another administrator must approve it.")
        )
    publication = _pending(publication)
    Publication.objects.filter(
        organisation=publication.organisation,
        kind=publication.kind,
        source_id=publication.source_id,
        is_current=True,
    ).update(is_current=False, changed_at=timezone.now())
    publication.status = Publication.Status.APPROVED
    publication.decided_by = _person(actor)
    publication.decided_at = timezone.now()
    publication.is_current = True
    publication.save()
    return publication


@transaction.atomic
def publication_reject(*, actor: Any, publication: Publication, reason: str) -> Publication:
    if not reason.strip():
        raise RuleViolation(_("Give the reason for the rejection."))
    publication = _pending(publication)
    publication.status = Publication.Status.REJECTED
    publication.decided_by = _person(actor)
    publication.decided_at = timezone.now()
    publication.rejection_reason = reason.strip()
    publication.save()
    return publication


@transaction.atomic
def publication_withdraw(
    *, actor: Any, organisation: Organisation, kind: str, source_id: int, reason: str
) -> Publication:
    """Take a record off the public side; a notice with the reason and date stays."""
    if not reason.strip():
        raise RuleViolation(_("Give the reason for the withdrawal."))
    current = publication_current(organisation, kind, source_id)
    if current is None or current.is_withdrawn:
        raise RuleViolation(_("This record is not published."))
    current.withdrawn_at = timezone.now()
    current.withdrawal_reason = reason.strip()
    current.save()
    return current


@transaction.atomic
def publication_publish_now(
    *, organisation: Organisation, kind: str, source_id: int
) -> Publication | None:
    """Propose and approve at once, as the platform (command line and demo); None when the
    published version is already up to date."""
    current = publication_current(organisation, kind, source_id)
    title, facet, snapshot = snapshot_build(kind, organisation, source_id)
    if current is not None and not current.is_withdrawn and current.snapshot == snapshot:
        return None
    proposal = publication_propose(
        actor=None, organisation=organisation, kind=kind, source_id=source_id
    )
    return publication_approve(actor=None, publication=proposal)
