"""Routes of the organisations API (the tree, memberships and their history), included in
/api/v1 by ``omslag.api_urls``."""

from django.urls import path

from omslag.common.api.history import history_views

from . import access, api

OrganisationHistory, OrganisationRestore = history_views(
    "organisation",
    lambda person, slug: access.organisation_get_readable(person, slug, include_deleted=True),
    "organisations",
    "slug",
)
MembershipHistory, MembershipRestore = history_views(
    "membership",
    lambda person, pk: access.membership_get_readable(person, pk, include_deleted=True),
    "memberships",
    "pk",
)

urlpatterns = [
    path("organisations", api.OrganisationListApi.as_view(), name="organisations"),
    path(
        "organisations/<slug:slug>",
        api.OrganisationDetailApi.as_view(),
        name="organisation",
    ),
    path(
        "organisations/<slug:slug>/move",
        api.OrganisationMoveApi.as_view(),
        name="organisation-move",
    ),
    path(
        "organisations/<slug:slug>/history",
        OrganisationHistory.as_view(),
        name="organisation-history",
    ),
    path(
        "organisations/<slug:slug>/history/<int:historyId>/restore",
        OrganisationRestore.as_view(),
        name="organisation-restore",
    ),
    path("memberships", api.MembershipListApi.as_view(), name="memberships"),
    path("memberships/<int:pk>", api.MembershipDetailApi.as_view(), name="membership"),
    path("invitations", api.InvitationListApi.as_view(), name="invitations"),
    path("invitations/<int:pk>", api.InvitationDetailApi.as_view(), name="invitation"),
    path("memberships/<int:pk>/history", MembershipHistory.as_view(), name="membership-history"),
    path(
        "memberships/<int:pk>/history/<int:historyId>/restore",
        MembershipRestore.as_view(),
        name="membership-restore",
    ),
]
