from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("organisations", views.organisation_list, name="list"),
    path("organisations/new", views.organisation_add, name="add-root"),
    path("organisations/<slug:slug>", views.organisation_detail, name="detail"),
    path("organisations/<slug:slug>/edit", views.organisation_edit, name="edit"),
    path("organisations/<slug:slug>/delete", views.organisation_delete, name="delete"),
    path("organisations/<slug:slug>/move", views.organisation_move, name="move"),
    path("organisations/<slug:slug>/new-child", views.organisation_add, name="add-child"),
    path("organisations/<slug:slug>/people", views.organisation_people, name="people"),
    path(
        "organisations/<slug:slug>/invitations",
        views.organisation_invitations,
        name="invitations",
    ),
    path("organisations/<slug:slug>/two-factor", views.organisation_two_factor, name="two-factor"),
    path("invitations/<int:pk>/revoke", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/accept/<str:secret>", views.invitation_accept, name="invitation-accept"),
    path("memberships/<int:pk>/edit", views.membership_edit, name="membership-edit"),
    path("memberships/<int:pk>/delete", views.membership_delete, name="membership-delete"),
]
