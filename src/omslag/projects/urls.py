from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("organisations/<slug:slug>/projects", views.project_list, name="project-list"),
    path("organisations/<slug:slug>/projects/new", views.project_add, name="project-add"),
    path("organisations/<slug:slug>/project-portfolio", views.project_portfolio, name="portfolio"),
    path(
        "organisations/<slug:slug>/reference-classes",
        views.reference_class_list,
        name="reference-classes",
    ),
    path("organisations/<slug:slug>/exchange-rates", views.exchange_rates, name="exchange-rates"),
    path("projects/<int:pk>", views.project_detail, name="project"),
    path("projects/<int:pk>/edit", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/delete", views.project_delete, name="project-delete"),
    path("projects/<int:pk>/reports/new", views.report_add, name="report-add"),
    path("projects/<int:pk>/<slug:kind>/new", views.part_add, name="part-add"),
    path("reports/<int:pk>", views.report_detail, name="report"),
    path("reports/<int:pk>/edit", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/delete", views.report_delete, name="report-delete"),
    path("reports/<int:pk>/advance", views.report_advance, name="report-advance"),
    path("reports/<int:pk>/correct", views.report_correct, name="report-correct"),
    path("project-parts/<slug:kind>/<int:pk>/edit", views.part_edit, name="part-edit"),
    path("project-parts/<slug:kind>/<int:pk>/delete", views.part_delete, name="part-delete"),
    path("reference-classes/<int:pk>", views.reference_class_detail, name="reference-class"),
]
