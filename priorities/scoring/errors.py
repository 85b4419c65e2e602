"""Errors the scoring engine raises for inputs it refuses, each naming what is wrong."""


class ScoringError(ValueError):
    """Inputs the engine cannot score, with a message for each offending field."""

    def __init__(self, message: str, *, field: str = "weights", details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or []


class InconsistentJudgementsError(ScoringError):
    """An AHP pairwise matrix whose consistency ratio is above the accepted limit."""

    def __init__(self, message: str, *, consistency_ratio: float, worst: list[tuple[str, str, float, float]]) -> None:
        super().__init__(message, field="ahp_matrix", details=[f"{a} vs {b}" for a, b, _, _ in worst])
        self.consistency_ratio = consistency_ratio
        # (criterion, criterion, judgement given, judgement the other judgements imply)
        self.worst = worst
