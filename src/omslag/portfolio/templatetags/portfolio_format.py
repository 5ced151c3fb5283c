"""The portfolio's own template filter: the name of a TIME position. The number formats are
in ``omslag.common.templatetags.formatting``."""

from django import template

register = template.Library()


@register.filter
def time_label(position):
    """The name of a TIME position (Tolerate, Invest, Migrate, Eliminate)."""
    from ..models import TimePosition

    return TimePosition(position).label if position else ""
