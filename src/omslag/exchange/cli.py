"""What the import and export commands share."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from omslag.organisations.models import Organisation


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
        organisation = Organisation.objects.filter(slug=org_slug).first()
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


def reference_class_named(organisation, name):
    """A reference class the organisation may use; CommandError listing the known ones."""
    from omslag.projects.selectors import reference_classes_for
    from omslag.projects.services import reference_class_shipped

    reference_class_shipped()
    found = reference_classes_for(organisation).filter(name=name).first()
    if found is None:
        known = ", ".join(repr(c.name) for c in reference_classes_for(organisation)) or "none"
        raise CommandError(f"No reference class {name!r} for {organisation.slug}; known: {known}.")
    return found
