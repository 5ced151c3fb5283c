import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from mozilla_django_oidc import views as oidc_views

from omslag.common.client import client_address
from omslag.organisations.access import two_factor_required

from . import oidc, selectors, services, two_factor
from .forms import (
    CodeForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    TokenCreateForm,
)
from .middleware import ENROL_REQUIRED

SECOND_STEP = "omslag_sign_in_second_step"
SECOND_STEP_SECONDS = 300


class LoginView(auth_views.LoginView):
    """The sign-in page: the e-mail address and password form, the button of the
    organisation's identity provider when one is configured, or only that button when local
    passwords are switched off. A person with a second factor is asked for a code next
    (``login_code``) and is signed in only after it."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.OMSLAG_LOCAL_PASSWORDS:
            messages.error(request, _("Sign in through your organisation's identity provider."))
            return redirect("accounts:login")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provider"] = (
            (settings.OMSLAG_OIDC_PROVIDER_NAME or _("your organisation's account"))
            if oidc.enabled()
            else ""
        )
        context["local_passwords"] = settings.OMSLAG_LOCAL_PASSWORDS
        context["provider_failed"] = self.request.GET.get("provider") == "failed"
        return context

    def form_valid(self, form):
        person = form.get_user()
        if two_factor.two_factor_device(person) is not None:
            self.request.session[SECOND_STEP] = {
                "person": person.pk,
                "backend": person.backend,
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return redirect("accounts:login-code")
        response = super().form_valid(form)
        if two_factor_required(person):
            self.request.session[ENROL_REQUIRED] = True
            return redirect("accounts:two-factor")
        return response


@require_http_methods(["GET", "POST"])
def login_code(request):
    step = request.session.get(SECOND_STEP)
    person = step and get_user_model().objects.filter(pk=step["person"], is_active=True).first()
    if not person or time.time() - step["at"] > SECOND_STEP_SECONDS:
        request.session.pop(SECOND_STEP, None)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.two_factor_verify(person, form.cleaned_data["code"]):
            del request.session[SECOND_STEP]
            auth_login(request, person, backend=step["backend"])
            return redirect(step["next"])
        # A wrong code counts as a failed sign-in: the same lock-out and the audit log.
        credentials = {settings.AXES_USERNAME_FORM_FIELD: person.email}
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(SECOND_STEP, None)
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        form.add_error("code", _("This code is not right. Try the code your app shows now."))
    return render(request, "accounts/login_code.html", {"form": form})


class LogoutView(auth_views.LogoutView):
    """Signing out; a person who came in through the identity provider is sent on to the
    provider's logout, so that its session ends too."""

    def post(self, request, *args, **kwargs):
        provider_url = (
            oidc.provider_logout_url(request) if oidc.signed_in_through_provider(request) else None
        )
        response = super().post(request, *args, **kwargs)
        return redirect(provider_url) if provider_url else response


@require_GET
def provider_sign_in(request):
    """Off to the identity provider (mozilla-django-oidc's authorisation request)."""
    if not oidc.enabled():
        raise Http404(_("Sign-in through an identity provider is not configured."))
    return oidc_views.OIDCAuthenticationRequestView.as_view()(request)


@require_GET
def provider_callback(request):
    """Back from the identity provider: the code is exchanged and checked, the person found or
    created, and signed in."""
    if not oidc.enabled():
        raise Http404(_("Sign-in through an identity provider is not configured."))
    return oidc_views.OIDCAuthenticationCallbackView.as_view()(request)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    form = TokenCreateForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = services.api_token_issue(
            person=request.user, name=form.cleaned_data["name"]
        )
        form = TokenCreateForm()
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(request.user),
            "new_secret": new_secret,
            "two_factor": two_factor.two_factor_device(request.user) is not None,
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.api_token_get_own(request.user, pk)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("accounts:account")


@require_http_methods(["GET", "POST"])
def password_reset(request):
    if not settings.OMSLAG_LOCAL_PASSWORDS:
        raise Http404(_("Passwords are managed by your organisation's identity provider."))
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(
            email=form.cleaned_data["email"],
            address=client_address(request),
            language=get_language(),
        )
        return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's check of the link (signed, time-limited, void once the password changed)
    with omslag's form and pages; a real reset also lifts a lock-out."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_completed(person=form.user)
        return response


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_page(request):
    """Set up, replace or remove the second factor."""
    person = request.user
    device = two_factor.two_factor_device(person)
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "confirm")
    recovery_codes = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if action == "remove" and device is not None:
            if two_factor_required(person):
                raise PermissionDenied
            if two_factor.two_factor_verify(person, code):
                two_factor.two_factor_remove(person)
                messages.success(request, _("Your second factor was removed."))
                return redirect("accounts:account")
            form.add_error("code", _("This code is not right. Try the code your app shows now."))
        else:
            recovery_codes = two_factor.two_factor_confirm(person, code)
            if recovery_codes is None:
                form.add_error(
                    "code", _("This code is not right. Try the code your app shows now.")
                )
            else:
                request.session.pop(ENROL_REQUIRED, None)
                device = two_factor.two_factor_device(person)
                form = CodeForm()
    enrolment = None
    if device is None:
        enrolment = two_factor.two_factor_enrolment(person)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": device,
            "form": form,
            "recovery_codes": recovery_codes,
            "required": two_factor_required(person),
            "must_enrol": request.session.get(ENROL_REQUIRED, False),
            "qr_svg": enrolment
            and two_factor.qr_code_svg(enrolment, _("QR code for your authenticator app")),
            "secret": enrolment and two_factor.secret_text(enrolment),
        },
    )
