"""Writes to priorities. Each function is one action, atomic, validated before it saves."""

from .profiles import (
    DEFAULT_PROFILE_SLUG,
    ProfileIdentity,
    default_profile,
    weight_profile_ensure_default,
    weight_profile_save,
)
from .reference import policy_load_reference_data, reference_data_load
from .runs import (
    RECOMPUTE_LOCK,
    IdenticalToPublishedError,
    PublishedMeanwhileError,
    RunNotDiscardableError,
    RunNotPublishableError,
    code_version,
    ranking_recompute_after_change,
    ranking_run_discard,
    ranking_run_execute,
    ranking_run_fail,
    ranking_run_publish,
    ranking_run_request,
    ranking_runs_fail_abandoned,
    ranking_time_limit,
    reopen_recompute_window,
)
from .what_if import ranking_what_if

__all__ = [
    "DEFAULT_PROFILE_SLUG",
    "RECOMPUTE_LOCK",
    "IdenticalToPublishedError",
    "ProfileIdentity",
    "PublishedMeanwhileError",
    "RunNotDiscardableError",
    "RunNotPublishableError",
    "code_version",
    "default_profile",
    "policy_load_reference_data",
    "ranking_recompute_after_change",
    "ranking_run_discard",
    "ranking_run_execute",
    "ranking_run_fail",
    "ranking_run_publish",
    "ranking_run_request",
    "ranking_runs_fail_abandoned",
    "ranking_time_limit",
    "ranking_what_if",
    "reference_data_load",
    "reopen_recompute_window",
    "weight_profile_ensure_default",
    "weight_profile_save",
]
