from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("login/provider", views.provider_sign_in, name="oidc-sign-in"),
    path("login/provider/callback", views.provider_callback, name="oidc-callback"),
    path("account", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke", views.token_revoke, name="token-revoke"),
]
