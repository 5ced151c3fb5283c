"""Web pages of the legacy-and-spend capability: the application register, spend lines, the
balance against the target, and scenarios. Each view: access check, one service or selector
call (the balance page: a few selectors), render."""

from .applications import (
    application_add,
    application_delete,
    application_detail,
    application_edit,
    application_list,
    dependency_remove,
)
from .balance import balance
from .scenarios import (
    scenario_change_remove,
    scenario_delete,
    scenario_detail,
    scenario_edit,
    scenario_list,
)
from .spend import spend_line_delete, spend_line_edit, spend_list

__all__ = [
    "application_add",
    "application_delete",
    "application_detail",
    "application_edit",
    "application_list",
    "balance",
    "dependency_remove",
    "scenario_change_remove",
    "scenario_delete",
    "scenario_detail",
    "scenario_edit",
    "scenario_list",
    "spend_line_delete",
    "spend_line_edit",
    "spend_list",
]
