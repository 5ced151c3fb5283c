"""The safeguards API: templates, assessments (answers saved per step), review, risks,
mitigations, gate requirements and coverage."""

from .assessments import (
    AssessmentAnswersApi,
    AssessmentApproveApi,
    AssessmentDetailApi,
    AssessmentListApi,
    AssessmentRejectApi,
    AssessmentSubmitApi,
)
from .organisation import CoverageApi, GateRequirementListApi
from .risks import MitigationDetailApi, MitigationListApi, RiskDetailApi, RiskListApi
from .templates import TemplateDetailApi, TemplateListApi

__all__ = [
    "AssessmentAnswersApi",
    "AssessmentApproveApi",
    "AssessmentDetailApi",
    "AssessmentListApi",
    "AssessmentRejectApi",
    "AssessmentSubmitApi",
    "CoverageApi",
    "GateRequirementListApi",
    "MitigationDetailApi",
    "MitigationListApi",
    "RiskDetailApi",
    "RiskListApi",
    "TemplateDetailApi",
    "TemplateListApi",
]
