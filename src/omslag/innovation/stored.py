"""The funnel figures computed once and stored (``common.stored_figures``): per organisation
(with or without those below it) and day, the whole funnel and the last 12 months. Shared by
the services (which mark them behind on a write), the task (which refreshes them) and the
selectors (which read them and, with nothing stored yet, compute them once)."""

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from omslag.common.stored_figures import stored_figure_behind, stored_figure_save
from omslag.organisations.models import Organisation
from omslag.organisations.selectors import organisation_subtree

from .models import FunnelFiguresStored, Stage

_DECIMALS = ("total_budget", "budget_per_operation")


def encode(figures: dict) -> dict:
    """The selector's figures as JSON: stage labels left out (translated when read), amounts
    as text (exact)."""
    encoded = dict(figures)
    if "stages" in encoded:
        encoded["stages"] = [
            {k: v for k, v in row.items() if k != "label"} for row in figures["stages"]
        ]
    for name in _DECIMALS:
        if encoded.get(name) is not None:
            encoded[name] = str(encoded[name])
    return encoded


def decode(figures: dict) -> dict:
    decoded = dict(figures)
    if "stages" in decoded:
        decoded["stages"] = [
            {**row, "label": Stage(row["stage"]).label} for row in decoded["stages"]
        ]
    for name in _DECIMALS:
        if decoded.get(name) is not None:
            decoded[name] = Decimal(decoded[name])
    return decoded


def funnel_key(organisation, *, kind, with_children=True, day=None) -> dict:
    return {
        "organisation_id": organisation.pk,
        "with_children": bool(with_children) or kind == FunnelFiguresStored.Kind.FUNNEL,
        "kind": kind,
        "day": day or timezone.localdate(),
    }


def window_scope_ids(organisation, with_children: bool) -> list[int]:
    """The organisation alone, or with every live organisation below it (the board's scope)."""
    if not with_children:
        return [organisation.pk]
    return list(organisation_subtree(organisation).values_list("pk", flat=True))


def funnel_stored(key: dict, compute) -> FunnelFiguresStored:
    """The stored figures under ``key``; computed now with ``compute(key)`` (the selectors'
    figures) and stored when there are none yet."""
    found = FunnelFiguresStored.objects.filter(**key).first()
    if found is not None:
        return found
    return stored_figure_save(FunnelFiguresStored, key, lambda: {"figures": encode(compute(key))})


def funnel_figures(row: FunnelFiguresStored) -> dict:
    return decode(row.figures)


def funnel_affected(organisation_ids) -> Q:
    """The stored figures whose scope holds these organisations' records."""
    own, above = set(), set()
    for organisation in Organisation.all_objects.filter(pk__in=list(organisation_ids)):
        own.add(organisation.pk)
        above.update(organisation.ancestor_ids)
    return Q(organisation_id__in=own) | Q(organisation_id__in=above, with_children=True)


def funnel_figures_refresh(organisation_ids, compute, changed_at=None) -> None:
    """Recompute today's stored figures over these organisations that are behind their
    inputs; earlier days' figures are no longer read and go."""
    today = timezone.localdate()
    affected = FunnelFiguresStored.objects.filter(funnel_affected(organisation_ids))
    affected.filter(day__lt=today).delete()
    for row in affected.filter(day=today):
        if stored_figure_behind(row, changed_at):
            key = {
                "organisation_id": row.organisation_id,
                "with_children": row.with_children,
                "kind": row.kind,
                "day": row.day,
            }
            stored_figure_save(
                FunnelFiguresStored, key, lambda key=key: {"figures": encode(compute(key))}
            )
