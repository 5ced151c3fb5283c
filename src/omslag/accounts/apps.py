from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "omslag.accounts"
    label = "accounts"
    verbose_name = _("People and sign-in")

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from .signin import last_login_record

        checks.register(_provider_settings_check, checks.Tags.security)
        # The time of the last sign-in without a save of the person (see last_login_record).
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(last_login_record, dispatch_uid="omslag_last_login")


def _provider_settings_check(app_configs, **kwargs):
    """The identity provider's settings hang together (``omslag check`` shows this)."""
    from django.conf import settings
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    from .oidc import role_map_parse

    errors = []
    if settings.OIDC_RP_CLIENT_ID:
        missing = [
            name
            for name, value in (
                ("OMSLAG_OIDC_CLIENT_SECRET", settings.OIDC_RP_CLIENT_SECRET),
                ("OMSLAG_OIDC_AUTHORIZATION_ENDPOINT", settings.OIDC_OP_AUTHORIZATION_ENDPOINT),
                ("OMSLAG_OIDC_TOKEN_ENDPOINT", settings.OIDC_OP_TOKEN_ENDPOINT),
                ("OMSLAG_OIDC_USERINFO_ENDPOINT", settings.OIDC_OP_USER_ENDPOINT),
                ("OMSLAG_OIDC_JWKS_ENDPOINT", settings.OIDC_OP_JWKS_ENDPOINT),
            )
            if not value
        ]
        if missing:
            errors.append(
                checks.Error(
                    f"Sign-in through the identity provider needs {', '.join(missing)}.",
                    id="omslag.E101",
                )
            )
        try:
            role_map_parse(settings.OMSLAG_OIDC_ROLE_MAP)
        except ImproperlyConfigured as exc:
            errors.append(checks.Error(str(exc), id="omslag.E102"))
    elif not settings.OMSLAG_LOCAL_PASSWORDS:
        errors.append(
            checks.Error(
                "OMSLAG_LOCAL_PASSWORDS is off but no identity provider is configured "
                "(OMSLAG_OIDC_CLIENT_ID): nobody could sign in.",
                id="omslag.E103",
            )
        )
    return errors
