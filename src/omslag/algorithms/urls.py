from django.urls import path

from . import views

app_name = "algorithms"
urlpatterns = [
    path("organisations/<slug:slug>/algorithms", views.algorithm_list, name="list"),
    path("organisations/<slug:slug>/algorithms/new", views.algorithm_add, name="add"),
    path("algorithms/<int:pk>", views.algorithm_detail, name="detail"),
    path("algorithms/<int:pk>/edit", views.algorithm_edit, name="edit"),
    path("algorithms/<int:pk>/delete", views.algorithm_delete, name="delete"),
    path(
        "algorithms/<int:pk>/measures/<slug:key>", views.measure_state_change, name="measure-state"
    ),
    path("organisations/<slug:slug>/algorithm-register.json", views.register_json, name="register"),
    path("algoritmekader", views.framework_browser, name="framework"),
]
