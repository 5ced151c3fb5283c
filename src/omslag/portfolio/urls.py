from django.urls import path

from . import views

app_name = "portfolio"
urlpatterns = [
    path("organisations/<slug:slug>/applications", views.application_list, name="applications"),
    path(
        "organisations/<slug:slug>/applications/new", views.application_add, name="application-add"
    ),
    path("applications/<int:pk>", views.application_detail, name="application"),
    path("applications/<int:pk>/edit", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/delete", views.application_delete, name="application-delete"),
    path("dependencies/<int:pk>/remove", views.dependency_remove, name="dependency-remove"),
    path("organisations/<slug:slug>/spend", views.spend_list, name="spend"),
    path("spend-lines/<int:pk>/edit", views.spend_line_edit, name="spend-line-edit"),
    path("spend-lines/<int:pk>/delete", views.spend_line_delete, name="spend-line-delete"),
    path("organisations/<slug:slug>/balance", views.balance, name="balance"),
    path("organisations/<slug:slug>/scenarios", views.scenario_list, name="scenarios"),
    path("scenarios/<int:pk>", views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/edit", views.scenario_edit, name="scenario-edit"),
    path("scenarios/<int:pk>/delete", views.scenario_delete, name="scenario-delete"),
    path(
        "scenario-changes/<int:pk>/remove",
        views.scenario_change_remove,
        name="scenario-change-remove",
    ),
]
