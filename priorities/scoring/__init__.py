"""HIPOC's scoring engine: numpy arrays in, numpy arrays out, no database."""

from .engine import BENEFIT, COST, ENGINE_VERSION, Criterion, DecisionProblem, Method, Outcome, evaluate
from .errors import InconsistentJudgementsError, ScoringError

__all__ = [
    "BENEFIT",
    "COST",
    "ENGINE_VERSION",
    "Criterion",
    "DecisionProblem",
    "InconsistentJudgementsError",
    "Method",
    "Outcome",
    "ScoringError",
    "evaluate",
]
