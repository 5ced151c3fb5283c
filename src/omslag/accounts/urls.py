from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("login/code", views.login_code, name="login-code"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("login/provider", views.provider_sign_in, name="oidc-sign-in"),
    path("login/provider/callback", views.provider_callback, name="oidc-callback"),
    path("account/two-factor", views.two_factor_page, name="two-factor"),
    path("password-reset", views.password_reset, name="password-reset"),
    path("password-reset/sent", views.password_reset_sent, name="password-reset-sent"),
    path("password-reset/done", views.password_reset_done, name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("account", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke", views.token_revoke, name="token-revoke"),
]
