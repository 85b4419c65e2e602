"""Writes to programs. Each function is one action, atomic, validated before it saves."""

from .needs import (
    ImportOutcome,
    NeedRecord,
    need_change_status,
    need_create,
    need_update,
    needs_import,
    rows_import,
    validate_need,
)
from .programs import ProgramFields, program_create, program_update
from .reference import programs_load_reference_data
from .reports import (
    AssessmentFields,
    NeedFields,
    ReportFields,
    StaleReportError,
    mission_report_approve,
    mission_report_create,
    mission_report_delete,
    mission_report_reopen,
    mission_report_return,
    mission_report_submit,
    mission_report_update,
    validate_report,
)

__all__ = [
    "AssessmentFields",
    "ImportOutcome",
    "NeedFields",
    "NeedRecord",
    "ProgramFields",
    "ReportFields",
    "StaleReportError",
    "mission_report_approve",
    "mission_report_create",
    "mission_report_delete",
    "mission_report_reopen",
    "mission_report_return",
    "mission_report_submit",
    "mission_report_update",
    "need_change_status",
    "need_create",
    "need_update",
    "needs_import",
    "program_create",
    "program_update",
    "programs_load_reference_data",
    "rows_import",
    "validate_need",
    "validate_report",
]
