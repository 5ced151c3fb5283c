"""Reads the API needs that ``projects.selectors`` does not offer yet. They belong there (the
web pages need the same); until they move, they live here and nowhere else."""

import numpy as np
from django.db.models import Count, QuerySet

from omslag.analysis.projects import OVERRUN_RATIO

from .. import selectors
from ..models import ReferenceClass

DECILES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
DECILE_NAMES = tuple(f"p{round(q * 100)}" for q in DECILES)


def parts_of(project, model) -> QuerySet:
    """The live milestones (reviews, advice, papers, benefits) of a project."""
    return model.objects.filter(project=project)


def _counted(queryset) -> QuerySet:
    return queryset.select_related("organisation").annotate(pair_count=Count("pairs"))


def reference_classes_usable(organisation) -> QuerySet:
    """The classes an organisation may use, each with its number of pairs."""
    return _counted(selectors.reference_classes_for(organisation)).order_by("name", "pk")


def reference_class_with_pairs(reference_class) -> ReferenceClass:
    """``reference_class`` with its number of pairs and its pairs loaded."""
    return (
        _counted(ReferenceClass.objects.filter(pk=reference_class.pk))
        .prefetch_related("pairs")
        .get()
    )


def ratio_summary(reference_class) -> dict:
    """The deciles of the later/earlier ratios (numpy's linear quantiles), their mean, and the
    share of pairs whose later estimate is at least 1.5 times the earlier one."""
    ratios = selectors.reference_ratios(reference_class)
    summary: dict = {"count": int(ratios.size), "mean": None, "share_overrun_50_percent": None}
    summary |= dict.fromkeys(DECILE_NAMES)
    if ratios.size:
        summary["mean"] = float(ratios.mean())
        summary["share_overrun_50_percent"] = float(np.mean(ratios >= OVERRUN_RATIO))
        summary |= dict(zip(DECILE_NAMES, map(float, np.quantile(ratios, DECILES)), strict=True))
    return summary
