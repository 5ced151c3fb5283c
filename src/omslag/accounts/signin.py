"""The one normalisation of a sign-in name, used by the login form, the authentication
backend and the lock-out (django-axes), so that every spelling of an address shares one
counter and one lock."""


def sign_in_name(value) -> str:
    """An e-mail address as omslag compares it: without surrounding space, in lower case."""
    return str(value or "").strip().lower()


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised name from the credentials, else from the form."""
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        return sign_in_name(credentials.get(field))
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return sign_in_name(data.get(field))


def last_login_record(sender, user, **kwargs) -> None:
    """``user_logged_in`` receiver in place of Django's ``update_last_login``: one UPDATE of
    the column instead of saving the person, which also wrote a row of the person's history
    at every sign-in with nothing changed in it (``last_login`` is left out of the history)."""
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)
