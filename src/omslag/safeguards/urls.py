from django.urls import path

from . import views

app_name = "safeguards"
urlpatterns = [
    path("assessment-templates", views.template_list, name="templates"),
    path("assessment-templates/import", views.template_import, name="template-import"),
    path("assessment-templates/<int:pk>", views.template_detail, name="template"),
    path("organisations/<slug:slug>/assessments", views.assessment_list, name="list"),
    path("organisations/<slug:slug>/assessments/new", views.assessment_start, name="start"),
    path("organisations/<slug:slug>/safeguard-coverage", views.coverage, name="coverage"),
    path("organisations/<slug:slug>/gate-requirements", views.gate_requirements, name="gates"),
    path("assessments/<int:pk>", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/steps/<int:step>", views.assessment_step, name="step"),
    path("assessments/<int:pk>/submit", views.assessment_submit, name="submit"),
    path("assessments/<int:pk>/review", views.assessment_review, name="review"),
    path("assessments/<int:pk>/risks", views.risk_list, name="risks"),
    path("assessments/<int:pk>/pdf", views.assessment_pdf, name="pdf"),
    path("assessments/<int:pk>/json", views.assessment_json, name="json"),
    path("mitigations/<int:pk>/status", views.mitigation_status, name="mitigation-status"),
]
