"""``{% if organisation|readable_by:user %}``: link to an organisation only where the person
may read it. A role below a ministry does not let one read the ministry (its page answers 404),
so breadcrumbs and "part of" show its name without a link."""

from django import template

from omslag.organisations.access import organisation_can_read

register = template.Library()


@register.filter
def readable_by(organisation, person) -> bool:
    return organisation_can_read(person, organisation)
