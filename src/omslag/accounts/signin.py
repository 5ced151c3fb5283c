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
