"""Demo publications: the demo organisations publish most of their registers, and a few records
stay unpublished on purpose so the difference shows. Loading twice changes nothing."""

from django.db import transaction

from . import selectors, services
from .models import Kind, Publication

# Kinds whose last record (by title) stays unpublished on purpose.
KEEP_ONE_BACK = {Kind.PROJECT, Kind.ALGORITHM}


@transaction.atomic
def publication_demo_load(organisations: dict) -> None:
    chosen = [
        o
        for o in organisations.values()
        if o.parent_id is None or o.slug == "dienst-digitale-dienstverlening"
    ]
    if Publication.objects.filter(organisation__in=chosen).exists():
        return
    for organisation in chosen:
        candidates = selectors.publication_candidates(organisation)
        for kind in Kind.values:
            records = sorted(candidates[kind], key=lambda item: str(item[1]))
            if kind in KEEP_ONE_BACK and len(records) > 1:
                records = records[:-1]
            for source_id, _title in records:
                services.publication_publish_now(
                    organisation=organisation, kind=kind, source_id=source_id
                )
    # One proposal waits for an administrator, to show the four-eyes step.
    ministry = organisations.get("ministerie-van-digitale-zaken")
    if ministry is not None:
        waiting = sorted(
            selectors.publication_candidates(ministry)[Kind.PROJECT], key=lambda i: i[1]
        )
        if waiting:
            services.publication_propose(
                actor=None, organisation=ministry, kind=Kind.PROJECT, source_id=waiting[-1][0]
            )
