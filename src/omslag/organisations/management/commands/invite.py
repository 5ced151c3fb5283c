from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.organisations import invitations, selectors
from omslag.organisations.models import Invitation, Role


class Command(OmslagCommand):
    help = (
        "Invite people by e-mail to a role in an organisation (they set their own password), "
        "list the invitations, or revoke one."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", help="the address to invite")
        parser.add_argument("--org", required=True, help="short name of the organisation")
        parser.add_argument("--role", choices=Role.values, help="the role to give")
        parser.add_argument(
            "--actor", help="e-mail address of the person who invites (for the audit log)"
        )
        parser.add_argument("--list", action="store_true", help="list the invitations")
        parser.add_argument("--revoke", type=int, metavar="ID", help="revoke this invitation")

    def handle(self, *args, email, org, role, actor, list, revoke, **options):
        organisation = selectors.organisation_by_slug(org)
        if organisation is None:
            raise CommandError(
                _("Unknown organisation %(slug)r (--org takes a short name).") % {"slug": org}
            )
        person = None
        if actor:
            person = get_user_model().objects.filter(email__iexact=actor).first()
            if person is None:
                raise CommandError(_("Unknown person %(email)r.") % {"email": actor})
        if list:
            return self.list_invitations(organisation)
        if revoke is not None:
            invitation = Invitation.objects.filter(pk=revoke, organisation=organisation).first()
            if invitation is None:
                raise CommandError(_("No invitation %(id)s here.") % {"id": revoke})
            invitations.invitation_revoke(actor=person, invitation=invitation)
            self.stdout.write(
                _("Invitation %(id)s: %(status)s.")
                % {"id": invitation.pk, "status": invitation.status.label}
            )
            return
        if not email or not role:
            raise CommandError(_("Give the address and --role, or --list, or --revoke ID."))
        invitation, _secret = invitations.invitation_send(
            actor=person, organisation=organisation, email=email, role=role, language=get_language()
        )
        self.stdout.write(
            _("Invited %(email)s as %(role)s to %(organisation)s (invitation %(id)s).")
            % {
                "email": invitation.email,
                "role": invitation.get_role_display(),
                "organisation": organisation.name,
                "id": invitation.pk,
            }
        )

    def list_invitations(self, organisation):
        now = timezone.now()
        for invitation in selectors.invitations_of(organisation):
            self.stdout.write(
                "\t".join(
                    [
                        str(invitation.pk),
                        invitation.email,
                        invitation.role,
                        str(invitation.status_at(now)),
                        invitation.expires_at.isoformat(timespec="minutes"),
                    ]
                )
            )
