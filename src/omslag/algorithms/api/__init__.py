"""The algorithms REST API: the algorithm register (CRUD), the state of each applicable
Algoritmekader measure, the Algoritmekader itself (read only), and the register in the
national publication standard.

Every view has the house shape: validate the input, check access through
``algorithms.access``, call one service or selector, serialise the output.
"""

from .algorithms import (
    AlgorithmDetailApi,
    AlgorithmListApi,
    AlgorithmMeasureListApi,
    AlgorithmMeasureStateApi,
    AlgorithmRegisterExportApi,
)
from .framework import MeasureDetailApi, MeasureListApi, RequirementDetailApi, RequirementListApi

__all__ = [
    "AlgorithmDetailApi",
    "AlgorithmListApi",
    "AlgorithmMeasureListApi",
    "AlgorithmMeasureStateApi",
    "AlgorithmRegisterExportApi",
    "MeasureDetailApi",
    "MeasureListApi",
    "RequirementDetailApi",
    "RequirementListApi",
]
