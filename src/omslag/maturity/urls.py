from django.urls import path

from . import views

app_name = "maturity"
urlpatterns = [
    path("organisations/<slug:slug>/maturity", views.round_list, name="rounds"),
    path("organisations/<slug:slug>/maturity/new", views.round_add, name="round-add"),
    path("organisations/<slug:slug>/maturity/peers", views.peers, name="peers"),
    path("maturity/rounds/<int:pk>", views.round_detail, name="round"),
    path("maturity/rounds/<int:pk>/close", views.round_close, name="round-close"),
    path("maturity/rounds/<int:pk>/answer", views.answer_form, name="answer"),
    path("maturity/rounds/<int:pk>/answers/<int:person_id>", views.answers_own, name="answers"),
    path("maturity/rounds/<int:pk>/results", views.round_results, name="results"),
    path(
        "maturity/rounds/<int:pk>/improvement-actions",
        views.improvement_action_add,
        name="improvement-action-add",
    ),
]
