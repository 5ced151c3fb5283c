from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("account", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke", views.token_revoke, name="token-revoke"),
]
