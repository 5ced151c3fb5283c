from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omslag.common.commands import OmslagCommand
from omslag.common.errors import ConflictError, RuleViolation
from omslag.organisations import selectors, services

BAD_INPUT = 2


class Command(OmslagCommand):
    help = (
        "Move an organisation, with everything below it, under another parent (or to the top "
        "level with --top). The stored figures of the organisations above it before and after "
        "the move are refreshed. Exits with status 2 on bad input (an unknown short name, a "
        "parent below the organisation itself)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short name of the organisation to move")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--parent", help="short name of the new parent")
        where.add_argument("--top", action="store_true", help="move it to the top level")
        parser.add_argument(
            "--actor", help="e-mail address of the person who moves it (for its history)"
        )

    def handle(self, *args, slug, parent, top, actor, **options):
        organisation = selectors.organisation_by_slug(slug)
        if organisation is None:
            raise CommandError(
                _("Unknown organisation %(slug)r.") % {"slug": slug}, returncode=BAD_INPUT
            )
        new_parent = None
        if not top:
            new_parent = selectors.organisation_by_slug(parent)
            if new_parent is None:
                raise CommandError(
                    _("Unknown organisation %(slug)r (--parent takes a short name).")
                    % {"slug": parent},
                    returncode=BAD_INPUT,
                )
        person = None
        if actor:
            person = get_user_model().objects.filter(email__iexact=actor).first()
            if person is None:
                raise CommandError(
                    _("Unknown person %(email)r.") % {"email": actor}, returncode=BAD_INPUT
                )
        if (new_parent.pk if new_parent else None) == organisation.parent_id:
            raise CommandError(
                _("%(name)s is already there; choose another place.") % {"name": organisation.name},
                returncode=BAD_INPUT,
            )
        below = selectors.organisation_subtree(organisation).count() - 1
        try:
            services.organisation_move(
                actor=person,
                organisation=organisation,
                parent=new_parent,
                expected_version=organisation.version,
            )
        except RuleViolation as refusal:
            raise CommandError(refusal.message, returncode=BAD_INPUT) from None
        except ConflictError as conflict:  # somebody changed it meanwhile: try again
            raise CommandError(conflict.message) from None
        self.stdout.write(
            ngettext(
                "Moved %(name)s (with %(below)s organisation below it) to %(place)s.",
                "Moved %(name)s (with %(below)s organisations below it) to %(place)s.",
                below,
            )
            % {
                "name": organisation.name,
                "below": below,
                "place": new_parent.name if new_parent else _("the top level"),
            }
        )
