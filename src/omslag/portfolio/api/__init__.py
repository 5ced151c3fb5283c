"""The portfolio's REST API: the application register, dependencies, spend lines, targets,
scenarios, and the figures computed from them (balance, legacy risk, projections).

Every view has the house shape: validate the input, check access through ``portfolio.access``,
call one service or selector, serialise the output. Euro amounts are strings with two decimals;
percentages and points are numbers.
"""

from .applications import (
    ApplicationDependencyListApi,
    ApplicationDetailApi,
    ApplicationListApi,
    DependencyDetailApi,
)
from .figures import BalanceApi, LegacyRiskApi
from .scenarios import (
    ScenarioChangeDetailApi,
    ScenarioChangeListApi,
    ScenarioComparisonApi,
    ScenarioDetailApi,
    ScenarioListApi,
    ScenarioProjectionApi,
)
from .spend import SpendLineDetailApi, SpendLineListApi, SpendTargetDetailApi, SpendTargetListApi

__all__ = [
    "ApplicationDependencyListApi",
    "ApplicationDetailApi",
    "ApplicationListApi",
    "BalanceApi",
    "DependencyDetailApi",
    "LegacyRiskApi",
    "ScenarioChangeDetailApi",
    "ScenarioChangeListApi",
    "ScenarioComparisonApi",
    "ScenarioDetailApi",
    "ScenarioListApi",
    "ScenarioProjectionApi",
    "SpendLineDetailApi",
    "SpendLineListApi",
    "SpendTargetDetailApi",
    "SpendTargetListApi",
]
