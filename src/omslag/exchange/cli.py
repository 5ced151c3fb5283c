"""What the import and export commands share."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from omslag.organisations.selectors import organisation_by_slug


class Operator:
    """The command line acts as the operator of the installation: it reads everything.
    History records its changes without a person unless --actor names one."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None


def command_context(org_slug: str | None, actor_email: str | None):
    """The organisation and the person a command acts for; CommandError when unknown."""
    organisation = None
    if org_slug:
        organisation = organisation_by_slug(org_slug)
        if organisation is None:
            raise CommandError(
                _("Unknown organisation %(slug)r (--org takes a short name).") % {"slug": org_slug}
            )
    actor = None
    if actor_email:
        actor = get_user_model().objects.filter(email__iexact=actor_email).first()
        if actor is None:
            raise CommandError(
                _("Unknown person %(email)r (--actor takes an e-mail address).")
                % {"email": actor_email}
            )
    return organisation, actor
