from django.urls import path

from . import views

app_name = "participation"
MODERATION_ACTIONS = ("review", "accept", "merge", "decline")
urlpatterns = [
    path("open/challenges", views.challenge_list, name="challenges"),
    path("open/challenges/privacy", views.privacy_statement, name="privacy"),
    path("open/challenges/<int:pk>", views.challenge_detail, name="challenge"),
    path("open/challenges/<int:pk>/sent", views.proposal_sent, name="sent"),
    path("open/challenges/confirm/<str:token>", views.proposal_confirm, name="confirm"),
    path("open/challenges/follow/<str:token>", views.proposal_follow, name="follow"),
    path("open/accessibility", views.accessibility_statement, name="accessibility"),
    path("challenges/<int:pk>/proposals", views.moderation_queue, name="moderation"),
    *(
        path(f"proposals/<int:pk>/{name}", views.proposal_moderate, {"action": name}, name=name)
        for name in MODERATION_ACTIONS
    ),
]
