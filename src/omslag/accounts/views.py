from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from mozilla_django_oidc import views as oidc_views

from . import oidc, selectors, services
from .forms import LoginForm, TokenCreateForm


class LoginView(auth_views.LoginView):
    """The sign-in page: the e-mail address and password form, the button of the
    organisation's identity provider when one is configured, or only that button when local
    passwords are switched off."""

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
        {"form": form, "tokens": selectors.api_tokens_of(request.user), "new_secret": new_secret},
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.api_token_get_own(request.user, pk)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("accounts:account")
