from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("organisations/<slug:slug>/audit", views.audit_list, name="list"),
    path("organisations/<slug:slug>/audit/export", views.audit_export, name="export"),
]
