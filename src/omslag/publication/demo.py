"""Demo publications: the demo organisations publish most of their registers, and a few records
stay unpublished on purpose so the difference shows. Loading twice changes nothing."""

from django.db import transaction

from . import selectors, services
from .models import Kind, Publication

# Kinds whose last record (by title) stays unpublished on purpose, of three or more.
KEEP_ONE_BACK = {Kind.PROJECT, Kind.ALGORITHM}


@transaction.atomic
def publication_demo_load(organisations: dict) -> None:
    chosen = list(organisations.values())
    # The participation demo publishes its public challenge first (proposals need it), so only
    # other kinds tell whether this demo ran already.
    if Publication.objects.filter(organisation__in=chosen).exclude(kind=Kind.CHALLENGE).exists():
        return
    # One project of the ministry is proposed but not approved, to show the four-eyes step.
    ministry = organisations.get("ministerie-van-digitale-zaken")
    waiting = None
    if ministry is not None:
        projects = sorted(
            selectors.publication_candidates(ministry)[Kind.PROJECT], key=lambda item: item[1]
        )
        waiting = projects[-1][0] if projects else None
    for organisation in chosen:
        candidates = selectors.publication_candidates(organisation)
        for kind in Kind.values:
            records = sorted(candidates[kind], key=lambda item: str(item[1]))
            if kind in KEEP_ONE_BACK and len(records) > 2:
                records = records[:-1]
            for source_id, _title in records:
                if organisation == ministry and kind == Kind.PROJECT and source_id == waiting:
                    continue
                services.publication_publish_now(
                    organisation=organisation, kind=kind, source_id=source_id
                )
    if waiting is not None:
        services.publication_propose(
            actor=None, organisation=ministry, kind=Kind.PROJECT, source_id=waiting
        )
