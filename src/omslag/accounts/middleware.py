"""Sends a person who must use a second factor, and has none yet, to set it up before
anything else. The need is decided at sign-in and kept in the session, and checked again on
every write: an organisation that starts to require it, or a role that becomes
administrator, holds from the next change such a person tries, on any page or API address."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .two_factor import two_factor_missing

ENROL_REQUIRED = "omslag_two_factor_enrol"
# Pages such a person may still open: the enrolment itself, signing out, the language switch,
# static files.
_OPEN_PREFIXES = ("/account/two-factor", "/logout", "/language", "/static/")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TwoFactorEnrolmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            path = request.path
            if (
                not session.get(ENROL_REQUIRED)
                and request.method not in _SAFE_METHODS
                and not path.startswith(_OPEN_PREFIXES)
                and two_factor_missing(request.user)
            ):
                session[ENROL_REQUIRED] = True
            if session.get(ENROL_REQUIRED) and not path.startswith(_OPEN_PREFIXES):
                if path.startswith("/api/"):
                    # A browser session of such a person; API tokens carry no session.
                    return JsonResponse(
                        {
                            "type": "about:blank",
                            "title": _("Set up a second factor first, on your account page."),
                            "status": 403,
                        },
                        status=403,
                        content_type="application/problem+json",
                    )
                return redirect(reverse("accounts:two-factor"))
        return self.get_response(request)
