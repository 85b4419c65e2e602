"""Who may do what with mission reports (django-rules predicates, checked per object).

Experts file reports and change their own while they are drafts or returned; staff read everything
and review; partner systems see no report at all.
"""

import rules

from accounts.predicates import is_expert, is_staff_member

from .models import MissionReport, ReportStatus

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


@rules.predicate
def is_author(user, report: MissionReport | None) -> bool:
    return report is not None and report.author_id == user.pk


@rules.predicate
def is_editable(user, report: MissionReport | None) -> bool:
    return report is not None and report.status in EDITABLE


@rules.predicate
def is_submitted(user, report: MissionReport | None) -> bool:
    return report is not None and report.status == ReportStatus.SUBMITTED


@rules.predicate
def is_reviewed(user, report: MissionReport | None) -> bool:
    return report is not None and report.status == ReportStatus.REVIEWED


rules.add_perm("programs.list_reports", is_staff_member | is_expert)
# Every report, not only one's own: what staff see in lists and on country pages.
rules.add_perm("programs.read_every_report", is_staff_member)
rules.add_perm("programs.file_report", is_expert)
rules.add_perm("programs.read_report", is_staff_member | (is_expert & is_author))
rules.add_perm("programs.edit_report", is_expert & is_author & is_editable)
# The API's change actions ask only whose report it is: whether it is still a draft is answered (400) by the service
# under the row's lock, so a request that comes after a submission gets the same answer as one that raced it.
rules.add_perm("programs.change_own_report", is_expert & is_author)
rules.add_perm("programs.remove_report", is_expert & is_author & is_editable)
rules.add_perm("programs.review_report", is_staff_member & is_submitted)
rules.add_perm("programs.reopen_report", is_staff_member & is_reviewed)


@rules.predicate
def recorded_need(user, need) -> bool:
    """An expert's own need: one they recorded or one heard in their report."""
    if need is None:
        return False
    return need.created_by_id == user.pk or (need.report_id is not None and need.report.author_id == user.pk)


rules.add_perm("programs.list_needs", is_staff_member | is_expert)
rules.add_perm("programs.read_every_need", is_staff_member)
rules.add_perm("programs.record_need", is_staff_member | is_expert)
rules.add_perm("programs.read_need", is_staff_member | (is_expert & recorded_need))
rules.add_perm("programs.edit_need", is_staff_member | (is_expert & recorded_need))
rules.add_perm("programs.import_needs", is_staff_member)

rules.add_perm("programs.browse_programs", rules.is_authenticated)
rules.add_perm("programs.manage_programs", is_staff_member)
