"""Offline evaluation of the recommender on the stored data, in two protocols (leave one track
out; temporal) against the baselines. docs/evaluation.md describes both and every leakage guard."""

from .methods import METHODS, SEARCH_GRID, EngineScores, MethodResult, evaluate_methods
from .protocols import (
    LEAVE_ONE_OUT,
    PROTOCOLS,
    TARGET_KINDS,
    TEMPORAL,
    Case,
    View,
    leave_one_out_cases,
    protocol_cases,
    temporal_cases,
)
from .report import (
    EXPORT_FORMAT,
    EvaluationReport,
    ProtocolReport,
    cases_export,
    cases_import,
    recommender_cases_export,
    recommender_evaluate,
)
from .stored import MIN_VIDEOS, StoredCreator, StoredData, evaluation_creators, stored_data

__all__ = [
    "EXPORT_FORMAT",
    "LEAVE_ONE_OUT",
    "METHODS",
    "MIN_VIDEOS",
    "PROTOCOLS",
    "SEARCH_GRID",
    "TARGET_KINDS",
    "TEMPORAL",
    "Case",
    "EngineScores",
    "EvaluationReport",
    "MethodResult",
    "ProtocolReport",
    "StoredCreator",
    "StoredData",
    "View",
    "cases_export",
    "cases_import",
    "evaluate_methods",
    "evaluation_creators",
    "leave_one_out_cases",
    "protocol_cases",
    "recommender_cases_export",
    "recommender_evaluate",
    "stored_data",
    "temporal_cases",
]
