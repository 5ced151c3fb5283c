"""Routes of the safeguards API under /api/v1 (included by omslag.api_urls): kebab-case
paths, no trailing slashes."""

from django.urls import path

from . import api

urlpatterns = [
    path("assessment-templates", api.TemplateListApi.as_view(), name="assessment-templates"),
    path(
        "assessment-templates/<int:pk>",
        api.TemplateDetailApi.as_view(),
        name="assessment-template",
    ),
    path(
        "organisations/<slug:slug>/assessments",
        api.AssessmentListApi.as_view(),
        name="assessments",
    ),
    path("assessments/<int:pk>", api.AssessmentDetailApi.as_view(), name="assessment"),
    path(
        "assessments/<int:pk>/answers",
        api.AssessmentAnswersApi.as_view(),
        name="assessment-answers",
    ),
    path(
        "assessments/<int:pk>/submit", api.AssessmentSubmitApi.as_view(), name="assessment-submit"
    ),
    path(
        "assessments/<int:pk>/approve",
        api.AssessmentApproveApi.as_view(),
        name="assessment-approve",
    ),
    path(
        "assessments/<int:pk>/reject", api.AssessmentRejectApi.as_view(), name="assessment-reject"
    ),
    path("assessments/<int:pk>/risks", api.RiskListApi.as_view(), name="assessment-risks"),
    path("risks/<int:pk>", api.RiskDetailApi.as_view(), name="risk"),
    path("risks/<int:pk>/mitigations", api.MitigationListApi.as_view(), name="risk-mitigations"),
    path("mitigations/<int:pk>", api.MitigationDetailApi.as_view(), name="mitigation"),
    path(
        "organisations/<slug:slug>/safeguard-coverage",
        api.CoverageApi.as_view(),
        name="safeguard-coverage",
    ),
    path(
        "organisations/<slug:slug>/gate-requirements",
        api.GateRequirementListApi.as_view(),
        name="gate-requirements",
    ),
]
