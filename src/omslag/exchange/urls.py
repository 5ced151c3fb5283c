from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("organisations/<slug:slug>/import", views.import_upload, name="import"),
    path("organisations/<slug:slug>/export", views.export, name="export"),
    path("imports/<int:pk>", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/confirm", views.import_confirm, name="import-confirm"),
]
