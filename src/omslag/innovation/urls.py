from django.urls import path

from . import views
from .views.settings import pipeline_settings

app_name = "innovation"
urlpatterns = [
    path("organisations/<slug:slug>/experiments", views.board, name="board"),
    path(
        "organisations/<slug:slug>/pipeline-settings",
        pipeline_settings,
        name="pipeline-settings",
    ),
    path("organisations/<slug:slug>/experiments/all", views.experiment_list, name="experiments"),
    path("organisations/<slug:slug>/experiments/new", views.experiment_add, name="experiment-add"),
    path("experiments/<int:pk>", views.experiment_detail, name="experiment"),
    path("experiments/<int:pk>/design", views.experiment_design, name="experiment-design"),
    path("experiments/<int:pk>/move", views.experiment_move, name="experiment-move"),
    path("experiments/<int:pk>/evaluate", views.experiment_evaluate, name="experiment-evaluate"),
    path(
        "experiments/<int:pk>/measurements/upload",
        views.measurements_upload,
        name="measurements-upload",
    ),
    path(
        "experiments/<int:pk>/measurements/summaries",
        views.measurements_summaries,
        name="measurements-summaries",
    ),
    path("experiments/<int:pk>/decisions", views.decision_add, name="decision-add"),
    path(
        "experiments/<int:pk>/implementation",
        views.implementation_save,
        name="implementation-save",
    ),
    path("experiments/<int:pk>/lessons", views.lesson_add, name="lesson-add"),
    path("organisations/<slug:slug>/challenges", views.challenge_list, name="challenges"),
    path("organisations/<slug:slug>/challenges/new", views.challenge_add, name="challenge-add"),
    path("challenges/<int:pk>", views.challenge_detail, name="challenge"),
    path("challenges/<int:pk>/edit", views.challenge_edit, name="challenge-edit"),
    path("organisations/<slug:slug>/ideas", views.idea_list, name="ideas"),
    path("organisations/<slug:slug>/ideas/new", views.idea_add, name="idea-add"),
    path("ideas/<int:pk>", views.idea_detail, name="idea"),
    path("ideas/<int:pk>/edit", views.idea_edit, name="idea-edit"),
    path("ideas/<int:pk>/review", views.idea_review, name="idea-review"),
    path("ideas/<int:pk>/accept", views.idea_accept, name="idea-accept"),
    path("organisations/<slug:slug>/funnel", views.funnel, name="funnel"),
    path("lessons", views.lessons_search, name="lessons"),
]
