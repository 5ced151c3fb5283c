"""The REST API of large ICT projects: projects with the figures stored on them and computed
against both baselines, their reports (concept → checked → published), milestones, reviews,
advice, papers and benefits, reference classes, and forecasts (the same as the CLI's).

Every view has the house shape: validate the input, check access through ``projects.access``,
call one service or selector, serialise the output. Amounts of reports and projects are
strings with two decimals in the project's currency, as the portfolio API writes euro;
percentages and forecasts are numbers.
"""

from .forecasts import OrganisationForecastApi, ProjectForecastApi
from .parts import PARTS, part_views
from .projects import ProjectDetailApi, ProjectListApi
from .rates import ExchangeRateListApi, ReportingCurrencyApi
from .reference_classes import (
    ReferenceClassBuildApi,
    ReferenceClassDetailApi,
    ReferenceClassListApi,
)
from .reports import (
    ProjectReportListApi,
    ReportAdvanceApi,
    ReportCorrectApi,
    ReportDetailApi,
)

__all__ = [
    "ExchangeRateListApi",
    "ReportingCurrencyApi",
    "PARTS",
    "OrganisationForecastApi",
    "ProjectDetailApi",
    "ProjectForecastApi",
    "ProjectListApi",
    "ProjectReportListApi",
    "ReferenceClassBuildApi",
    "ReferenceClassDetailApi",
    "ReferenceClassListApi",
    "ReportAdvanceApi",
    "ReportCorrectApi",
    "ReportDetailApi",
    "part_views",
]
