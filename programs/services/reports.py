"""Writes to mission reports, their area assessments and the needs heard: the experts' workflow.

Draft → submitted → reviewed, or submitted → returned → submitted again; staff may reopen a
reviewed report. A report and its rows are saved together or not at all, and a save made from a
stale copy is refused rather than applied.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from countries.models import Country
from hipoc.exceptions import ConflictError

from ..models import (
    AreaAssessment,
    CooperationArea,
    MissionReport,
    NeedSource,
    ReportKind,
    ReportStatus,
    StakeholderGroup,
    StakeholderNeed,
)
from ..signals import evidence_changed

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
# Area assessments, and stakeholder needs, one report carries at most (its form, its API and its import alike):
# a mission covers a handful of areas and meetings, and a bound keeps one request's work bounded.
MAX_ROWS_PER_REPORT = 30

MESSAGE_END_BEFORE_START = _("The visit cannot end before it starts.")
MESSAGE_TOO_FAR_AHEAD = _("A visit cannot start more than %(days)d days from today.")
MESSAGE_COUNTRY_NOT_PARTNER = _("%(country)s is not an ODA recipient, so it cannot be a partner country.")
MESSAGE_AREA_TWICE = _("Each area can be assessed only once in a report.")
MESSAGE_EMPTY_REPORT = _("Add at least one area assessment or one stakeholder need before submitting.")
MESSAGE_STALE = _("This report was changed by someone else since you opened it. Reload it to see their changes.")
MESSAGE_NOT_EDITABLE = _("Only a draft or a returned report can be changed.")
MESSAGE_NOT_SUBMITTED = _("Only a submitted report can be reviewed.")
MESSAGE_RETURN_NEEDS_COMMENT = _("Say what the author should change.")
MESSAGE_NOT_REVIEWED = _("Only a reviewed report can be reopened.")
MESSAGE_OWN_REPORT = _("You wrote this report: another member of staff reviews it.")
MESSAGE_GONE = _("This report was deleted a moment ago.")


class StaleReportError(ConflictError):
    """The report changed since the editor loaded it (its version moved on)."""

    message = MESSAGE_STALE


@dataclass(frozen=True)
class ReportFields:
    kind: str
    country: Country
    visit_start: date
    visit_end: date
    summary: str
    recommendations: str = ""

    @classmethod
    def from_mapping(cls, data) -> "ReportFields":
        """From cleaned form or serializer data."""
        return cls(
            kind=data["kind"],
            country=data["country"],
            visit_start=data["visit_start"],
            visit_end=data["visit_end"],
            summary=data["summary"],
            recommendations=data.get("recommendations", ""),
        )


@dataclass(frozen=True)
class AssessmentFields:
    area: CooperationArea
    need_level: int
    readiness: int
    commitment: int
    comment: str = ""


@dataclass(frozen=True)
class NeedFields:
    area: CooperationArea
    stakeholder_group: StakeholderGroup
    description: str
    urgency: int


def validate_report(
    fields: ReportFields, assessments: Sequence[AssessmentFields], *, today: date | None = None
) -> None:
    """The rules a form, an import and the API share; raises ValidationError keyed by field."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if fields.visit_start and fields.visit_end and fields.visit_end < fields.visit_start:
        errors.setdefault("visit_end", []).append(MESSAGE_END_BEFORE_START)
    limit = settings.REPORT_MAX_DAYS_AHEAD
    if fields.visit_start and fields.visit_start > today + timedelta(days=limit):
        errors.setdefault("visit_start", []).append(ValidationError(MESSAGE_TOO_FAR_AHEAD, params={"days": limit}))
    if fields.country and not fields.country.is_oda_eligible:
        errors.setdefault("country", []).append(
            ValidationError(MESSAGE_COUNTRY_NOT_PARTNER, params={"country": fields.country.name})
        )
    if fields.kind not in ReportKind.values:
        errors.setdefault("kind", []).append(_("Choose a report kind."))
    areas = [assessment.area.pk for assessment in assessments]
    if len(areas) != len(set(areas)):
        errors.setdefault("assessments", []).append(MESSAGE_AREA_TWICE)
    if errors:
        raise ValidationError(errors)


def _save(instance, *, by: User) -> None:
    """Save, recording in the history who made the change (also outside a web request)."""
    instance._history_user = by
    instance.save()


def _write_rows(
    report: MissionReport, assessments: Sequence[AssessmentFields], needs: Sequence[NeedFields], *, by: User
) -> None:
    """Replace the report's assessments and needs; each row is validated before anything is written."""
    rows = [
        AreaAssessment(
            report=report,
            area=item.area,
            need_level=item.need_level,
            readiness=item.readiness,
            commitment=item.commitment,
            comment=item.comment,
        )
        for item in assessments
    ]
    need_rows = [
        StakeholderNeed(
            country=report.country,
            area=item.area,
            stakeholder_group=item.stakeholder_group,
            description=item.description,
            urgency=item.urgency,
            source=NeedSource.MISSION_REPORT,
            raised_on=report.visit_end,
            report=report,
            created_by=by,
        )
        for item in needs
    ]
    errors: dict[str, list] = {}
    for prefix, objects in (("assessments", rows), ("needs", need_rows)):
        for number, row in enumerate(objects, start=1):
            try:
                row.full_clean(exclude=["report"], validate_unique=False)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.setdefault(f"{prefix}-{number}-{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    report.assessments.all().delete()
    report.needs.all().delete()
    for row in rows + need_rows:
        _save(row, by=by)


@transaction.atomic
def mission_report_create(
    *,
    author: User,
    fields: ReportFields,
    assessments: Sequence[AssessmentFields] = (),
    needs: Sequence[NeedFields] = (),
) -> MissionReport:
    """Save a new draft report with its rows, all or nothing."""
    validate_report(fields, assessments)
    report = MissionReport(author=author, status=ReportStatus.DRAFT, **fields.__dict__)
    report.full_clean()
    _save(report, by=author)
    _write_rows(report, assessments, needs, by=author)
    return report


@transaction.atomic
def mission_report_update(
    *,
    report: MissionReport,
    by: User,
    version: int,
    fields: ReportFields,
    assessments: Sequence[AssessmentFields] = (),
    needs: Sequence[NeedFields] = (),
) -> MissionReport:
    """Save changes to a draft or returned report made from the copy at `version`."""
    locked = _locked(report)
    if locked.version != version:
        raise StaleReportError(MESSAGE_STALE)
    if locked.status not in EDITABLE:
        raise ValidationError(MESSAGE_NOT_EDITABLE)
    validate_report(fields, assessments)
    for name, value in fields.__dict__.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.full_clean()
    _save(locked, by=by)
    _write_rows(locked, assessments, needs, by=by)
    return locked


@transaction.atomic
def mission_report_submit(*, report: MissionReport, by: User) -> MissionReport:
    """Send a draft or returned report to staff for review; an empty report is refused."""
    locked = _locked(report)
    if locked.status not in EDITABLE:
        raise ValidationError(MESSAGE_NOT_EDITABLE)
    if not locked.assessments.exists() and not locked.needs.exists():
        raise ValidationError(MESSAGE_EMPTY_REPORT)
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.version += 1
    _save(locked, by=by)
    return locked


@transaction.atomic
def mission_report_approve(*, report: MissionReport, by: User) -> MissionReport:
    """Accept a submitted report: its assessments and needs now count in the ranking."""
    locked = _locked(report)
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(MESSAGE_NOT_SUBMITTED)
    _refuse_own(locked, by)
    locked.status = ReportStatus.REVIEWED
    locked.reviewer = by
    locked.reviewed_at = timezone.now()
    locked.review_comment = ""
    locked.version += 1
    _save(locked, by=by)
    transaction.on_commit(lambda: evidence_changed.send(sender=MissionReport, countries=[locked.country_id]))
    return locked


def _locked(report: MissionReport) -> MissionReport:
    """The report, locked for this transaction; one deleted meanwhile (by its author, in another request) is a
    404, as if it had never been found."""
    try:
        return MissionReport.objects.select_for_update().get(pk=report.pk)
    except MissionReport.DoesNotExist:
        raise Http404(MESSAGE_GONE) from None


def _refuse_own(report: MissionReport, by: User) -> None:
    """Four eyes: the reviewer of a report is never its author, even one who is both expert and staff."""
    if report.author_id == by.pk:
        raise ValidationError(MESSAGE_OWN_REPORT)


def _send_back(*, report: MissionReport, by: User, comment: str, expected: str, refusal) -> MissionReport:
    """Return a report to its author with what to change."""
    if not comment.strip():
        raise ValidationError({"review_comment": [MESSAGE_RETURN_NEEDS_COMMENT]})
    locked = _locked(report)
    if locked.status != expected:
        raise ValidationError(refusal)
    if expected == ReportStatus.SUBMITTED:
        _refuse_own(locked, by)
    locked.status = ReportStatus.RETURNED
    locked.reviewer = by
    locked.review_comment = comment.strip()
    locked.version += 1
    locked.full_clean()
    _save(locked, by=by)
    return locked


@transaction.atomic
def mission_report_return(*, report: MissionReport, by: User, comment: str) -> MissionReport:
    """Send a submitted report back to its author with what to change."""
    return _send_back(
        report=report, by=by, comment=comment, expected=ReportStatus.SUBMITTED, refusal=MESSAGE_NOT_SUBMITTED
    )


@transaction.atomic
def mission_report_reopen(*, report: MissionReport, by: User, comment: str) -> MissionReport:
    """Staff take a reviewed report back out of the evidence and return it to its author."""
    locked = _send_back(
        report=report, by=by, comment=comment, expected=ReportStatus.REVIEWED, refusal=MESSAGE_NOT_REVIEWED
    )
    transaction.on_commit(lambda: evidence_changed.send(sender=MissionReport, countries=[locked.country_id]))
    return locked


@transaction.atomic
def mission_report_delete(*, report: MissionReport, by: User) -> None:
    locked = _locked(report)
    if locked.status not in EDITABLE:
        raise ValidationError(MESSAGE_NOT_EDITABLE)
    locked.needs.all().delete()
    locked.delete()
