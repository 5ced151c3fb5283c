from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from .models import TOKEN_PREFIX, ApiToken
from .two_factor import two_factor_missing


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer oms_…`` for machine clients."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _sep, secret = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        secret = secret.strip()
        if not secret.startswith(TOKEN_PREFIX) or len(secret) < len(TOKEN_PREFIX) + 8:
            raise exceptions.AuthenticationFailed(_("The token is malformed."))
        lookup = secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8]
        for token in ApiToken.objects.filter(lookup=lookup, revoked_at__isnull=True).select_related(
            "person"
        ):
            if token.matches(secret):
                if not token.person.is_active:
                    raise exceptions.AuthenticationFailed(_("This account is not active."))
                if request.method not in SAFE_METHODS and two_factor_missing(token.person):
                    raise exceptions.PermissionDenied(
                        _("Set up a second factor first, on your account page.")
                    )
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
                return token.person, token
        raise exceptions.AuthenticationFailed(_("The token is unknown or revoked."))

    def authenticate_header(self, request):
        return self.keyword
