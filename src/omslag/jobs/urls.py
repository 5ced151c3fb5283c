from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("jobs", views.job_list, name="list"),
    path("jobs/<int:pk>", views.job_detail, name="detail"),
    path("jobs/<int:pk>/status", views.job_status, name="status"),
    path("jobs/<int:pk>/cancel", views.job_cancel, name="cancel"),
    path("jobs/<int:pk>/download", views.job_download, name="download"),
]
