"""Web pages of the large-ICT-projects capability: the project register and the project page,
reports with their workflow, milestones and other parts, the portfolio with its forecast, and
reference classes. Each view: access check, one service or selector call (the project and
portfolio pages: a few selectors), render."""

from .parts import part_add, part_delete, part_edit
from .portfolio import project_portfolio
from .projects import project_add, project_delete, project_detail, project_edit, project_list
from .rates import exchange_rates
from .reference_classes import reference_class_detail, reference_class_list
from .reports import (
    report_add,
    report_advance,
    report_correct,
    report_delete,
    report_detail,
    report_edit,
)

__all__ = [
    "exchange_rates",
    "part_add",
    "part_delete",
    "part_edit",
    "project_add",
    "project_delete",
    "project_detail",
    "project_edit",
    "project_list",
    "project_portfolio",
    "reference_class_detail",
    "reference_class_list",
    "report_add",
    "report_advance",
    "report_correct",
    "report_delete",
    "report_detail",
    "report_edit",
]
