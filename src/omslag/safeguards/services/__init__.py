"""Writes of the safeguards app: templates (load, import) and assessments (answers, review,
risks, mitigations, gate requirements). Every write is atomic and recorded in history."""

from .assessments import (
    ANSWER_STEP_ALL,
    assessment_add_instance,
    assessment_answers_save,
    assessment_approve,
    assessment_create,
    assessment_reject,
    assessment_submit,
    gate_requirements_save,
    mitigation_create,
    mitigation_update,
    risk_create,
    risk_delete,
    risk_update,
)
from .templates import (
    own_templates_load,
    template_import_file,
    template_save,
)

__all__ = [
    "ANSWER_STEP_ALL",
    "assessment_add_instance",
    "assessment_answers_save",
    "assessment_approve",
    "assessment_create",
    "assessment_reject",
    "assessment_submit",
    "gate_requirements_save",
    "mitigation_create",
    "mitigation_update",
    "own_templates_load",
    "risk_create",
    "risk_delete",
    "risk_update",
    "template_import_file",
    "template_save",
]
