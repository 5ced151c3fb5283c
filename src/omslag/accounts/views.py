from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import LoginForm, TokenCreateForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
