from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("audit", views.audit_list_all, name="all"),
    path("audit/export", views.audit_export_all, name="export-all"),
    path("organisations/<slug:slug>/audit", views.audit_list, name="list"),
    path("organisations/<slug:slug>/audit/export", views.audit_export, name="export"),
]
