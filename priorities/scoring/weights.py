"""Criterion weights: direct (validated), equal, or derived from an AHP pairwise-comparison matrix."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import InconsistentJudgementsError, ScoringError

# Saaty's random consistency index by matrix size (Saaty 1980, The Analytic Hierarchy Process).
# Saaty's random consistency index by matrix size (Saaty, "The Analytic Hierarchy Process", 1980, table 1.7 as
# extended to n = 15); larger matrices are refused rather than measured against a borrowed index.
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
# A pair judged both ways round must agree within this (a_ij = 1 / a_ji).
RECIPROCAL_TOLERANCE = 1e-6
CONSISTENCY_LIMIT = 0.1
SAATY_MIN, SAATY_MAX = 1 / 9, 9.0


def direct_weights(weights: Sequence[float]) -> np.ndarray:
    """Validate weights set by hand and scale them to sum to 1."""
    values = np.asarray(weights, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ScoringError("Give at least one weight.")
    if not np.all(np.isfinite(values)):
        raise ScoringError("Every weight must be a finite number (not NaN or infinity).")
    if np.any(values < 0):
        raise ScoringError("Weights cannot be negative.")
    total = values.sum()
    if total <= 0:
        raise ScoringError("At least one weight must be above zero.")
    return values / total


def equal_weights(count: int) -> np.ndarray:
    if count < 1:
        raise ScoringError("Give at least one criterion.")
    return np.full(count, 1.0 / count)


@dataclass(frozen=True)
class AhpResult:
    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    # Pairs ordered from most to least inconsistent: (i, j, judgement given, judgement implied by the weights).
    inconsistencies: list[tuple[int, int, float, float]]


def pairwise_matrix(codes: Sequence[str], judgements: Mapping[str, Mapping[str, float]]) -> np.ndarray:
    """Build a reciprocal matrix from judgements {row code: {column code: a_ij}}.

    Every pair must be judged once (either way round); a pair judged both ways must agree (a_ji = 1 / a_ij). A
    missing judgement is refused rather than read as "equally important".
    """
    index = {code: position for position, code in enumerate(codes)}
    size = len(codes)
    if size > max(RANDOM_INDEX):
        raise ScoringError(f"A pairwise matrix compares at most {max(RANDOM_INDEX)} criteria.", field="ahp_matrix")
    matrix = np.ones((size, size))
    given = np.zeros((size, size), dtype=bool)
    for row_code, row in judgements.items():
        for column_code, value in row.items():
            if row_code not in index or column_code not in index:
                raise ScoringError(
                    f"Unknown criterion in the pairwise matrix: {row_code} or {column_code}.", field="ahp_matrix"
                )
            try:
                judgement = float(value)
            except (TypeError, ValueError):
                raise ScoringError(
                    f"The judgement {row_code} vs {column_code} must be a number.", field="ahp_matrix"
                ) from None
            if not np.isfinite(judgement) or not SAATY_MIN - 1e-9 <= judgement <= SAATY_MAX + 1e-9:
                raise ScoringError(
                    f"The judgement {row_code} vs {column_code} must lie between 1/9 and 9.", field="ahp_matrix"
                )
            i, j = index[row_code], index[column_code]
            if i == j:
                continue
            if given[i, j] and abs(matrix[i, j] / judgement - 1) > RECIPROCAL_TOLERANCE:
                raise ScoringError(
                    f"The judgements {row_code} vs {column_code} and {column_code} vs {row_code} contradict each "
                    "other: one must be the reciprocal of the other.",
                    field="ahp_matrix",
                )
            matrix[i, j] = judgement
            matrix[j, i] = 1.0 / judgement
            given[i, j] = given[j, i] = True
    missing = [f"{codes[i]} vs {codes[j]}" for i in range(size) for j in range(i + 1, size) if not given[i, j]]
    if missing:
        raise ScoringError(
            f"The pairwise matrix lacks judgements for: {', '.join(missing)}.", field="ahp_matrix", details=missing
        )
    return matrix


def ahp_weights(matrix: np.ndarray) -> AhpResult:
    """Weights from the principal eigenvector of a reciprocal pairwise matrix, with Saaty's consistency ratio."""
    matrix = np.asarray(matrix, dtype=float)
    size = matrix.shape[0]
    if matrix.shape != (size, size) or size == 0:
        raise ScoringError("The pairwise matrix must be square.", field="ahp_matrix")
    if size > max(RANDOM_INDEX):
        raise ScoringError(f"A pairwise matrix compares at most {max(RANDOM_INDEX)} criteria.", field="ahp_matrix")
    if not np.all(np.isfinite(matrix)) or np.any(matrix <= 0):
        raise ScoringError("Pairwise judgements must be positive numbers.", field="ahp_matrix")
    if not np.allclose(matrix * matrix.T, 1.0, rtol=1e-9):
        raise ScoringError("The pairwise matrix must be reciprocal: a_ji = 1 / a_ij.", field="ahp_matrix")
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    principal = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[principal].real)
    vector = np.abs(eigenvectors[:, principal].real)
    weights = vector / vector.sum()
    consistency_index = (lambda_max - size) / (size - 1) if size > 2 else 0.0
    random_index = RANDOM_INDEX[size]
    consistency_ratio = consistency_index / random_index if random_index else 0.0
    implied = weights[:, None] / weights[None, :]
    deviation = np.abs(np.log(matrix / implied))
    upper = [(i, j) for i in range(size) for j in range(i + 1, size)]
    upper.sort(key=lambda pair: deviation[pair], reverse=True)
    inconsistencies = [(i, j, float(matrix[i, j]), float(implied[i, j])) for i, j in upper]
    return AhpResult(weights, lambda_max, max(consistency_index, 0.0), max(consistency_ratio, 0.0), inconsistencies)


def ahp_weights_checked(codes: Sequence[str], judgements: Mapping[str, Mapping[str, float]]) -> AhpResult:
    """AHP weights, refused with the most inconsistent judgements named when CR exceeds 0.1."""
    result = ahp_weights(pairwise_matrix(codes, judgements))
    if result.consistency_ratio > CONSISTENCY_LIMIT:
        worst = [(codes[i], codes[j], given, implied) for i, j, given, implied in result.inconsistencies[:3]]
        named = "; ".join(
            f"{a} vs {b} is {given:.3g} but the others imply {implied:.3g}" for a, b, given, implied in worst
        )
        raise InconsistentJudgementsError(
            f"The pairwise judgements are inconsistent (consistency ratio {result.consistency_ratio:.3f} > "
            f"{CONSISTENCY_LIMIT}). Most inconsistent: {named}.",
            consistency_ratio=result.consistency_ratio,
            worst=worst,
        )
    return result
