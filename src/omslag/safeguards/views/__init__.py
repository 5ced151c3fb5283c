from .assessments import (
    assessment_detail,
    assessment_json,
    assessment_list,
    assessment_pdf,
    assessment_review,
    assessment_start,
    assessment_step,
    assessment_submit,
    mitigation_status,
    risk_list,
)
from .pages import (
    coverage,
    gate_requirements,
    template_detail,
    template_import,
    template_list,
)

__all__ = [
    "assessment_detail",
    "assessment_json",
    "assessment_list",
    "assessment_pdf",
    "assessment_review",
    "assessment_start",
    "assessment_step",
    "assessment_submit",
    "coverage",
    "gate_requirements",
    "mitigation_status",
    "risk_list",
    "template_detail",
    "template_import",
    "template_list",
]
