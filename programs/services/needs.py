"""Writes to stakeholder needs: recording them, editing them and moving them through their statuses."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from countries.models import Country

from ..models import CooperationArea, NeedSource, NeedStatus, ReportStatus, StakeholderGroup, StakeholderNeed
from ..signals import evidence_changed

# Open → being addressed → met or withdrawn; a closed need can be reopened.
TRANSITIONS = {
    NeedStatus.OPEN: {NeedStatus.BEING_ADDRESSED, NeedStatus.MET, NeedStatus.WITHDRAWN},
    NeedStatus.BEING_ADDRESSED: {NeedStatus.MET, NeedStatus.WITHDRAWN, NeedStatus.OPEN},
    NeedStatus.MET: {NeedStatus.OPEN},
    NeedStatus.WITHDRAWN: {NeedStatus.OPEN},
}
MESSAGE_FUTURE = _("A need cannot be raised in the future.")
MESSAGE_COUNTRY = _("%(country)s is not an ODA recipient, so it cannot be a partner country.")
MESSAGE_TRANSITION = _("A need that is %(current)s cannot become %(new)s.")
MESSAGE_REPORT_SOURCE = _("Needs from a mission report are recorded through the report.")
MESSAGE_REPORT_CLOSED = _(
    "This need is part of mission report %(report)s, which is %(status)s: it can change only once the report is "
    "returned to its author."
)


@dataclass(frozen=True)
class NeedRecord:
    country: Country
    area: CooperationArea
    stakeholder_group: StakeholderGroup
    description: str
    urgency: int
    source: str
    raised_on: date


def validate_need(record: NeedRecord, *, today: date | None = None, in_report: bool = False) -> None:
    """The rules every path that writes a need runs (forms, API, import); `in_report` for one raised in a mission
    report, the only kind whose source is the report."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    # A report's needs are dated by its visit, which the report's own rules bound.
    if record.raised_on and record.raised_on > today and not in_report:
        errors["raised_on"] = [MESSAGE_FUTURE]
    if record.country and not record.country.is_oda_eligible:
        errors["country"] = [ValidationError(MESSAGE_COUNTRY, params={"country": record.country.name})]
    if record.source == NeedSource.MISSION_REPORT and not in_report:
        errors["source"] = [MESSAGE_REPORT_SOURCE]
    if errors:
        raise ValidationError(errors)


def _changed(need: StakeholderNeed) -> None:
    transaction.on_commit(lambda: evidence_changed.send(sender=StakeholderNeed, countries=[need.country_id]))


@transaction.atomic
def need_create(*, by: User, record: NeedRecord) -> StakeholderNeed:
    validate_need(record)
    need = StakeholderNeed(created_by=by, status=NeedStatus.OPEN, **record.__dict__)
    need.full_clean()
    need._history_user = by  # type: ignore[attr-defined]  # simple-history's who-changed-it hook
    need.save()
    _changed(need)
    return need


@transaction.atomic
def need_update(*, need: StakeholderNeed, by: User, changes: Mapping[str, Any]) -> StakeholderNeed:
    """Correct a need's details: the fields in `changes` (of `NeedRecord`) take their new values, the others keep
    the values the row holds once it is locked — so two people changing different fields at once both keep their
    change. One raised in a mission report keeps its source and report."""
    locked = StakeholderNeed.objects.select_for_update().get(pk=need.pk)
    current = _record_of(locked)
    record = NeedRecord(**{**current.__dict__, **changes})
    report = locked.report
    if report is not None:
        # Sending a closed report's need its own values changes nothing (a status change comes with them).
        closed = report.status not in (ReportStatus.DRAFT.value, ReportStatus.RETURNED.value)
        if closed and record != current:
            raise ValidationError(
                MESSAGE_REPORT_CLOSED, params={"report": report.pk, "status": report.get_status_display().lower()}
            )
        # Where, when and from what a report's need comes is the report's: only what was found can change here.
        tied = {"source": NeedSource.MISSION_REPORT, "country": report.country, "raised_on": report.visit_end}
        record = NeedRecord(**{**record.__dict__, **tied})
    validate_need(record, in_report=report is not None)
    for name, value in record.__dict__.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked._history_user = by  # type: ignore[attr-defined]  # simple-history's who-changed-it hook
    locked.save()
    _changed(locked)
    return locked


@transaction.atomic
def need_change_status(*, need: StakeholderNeed, by: User, status: str) -> StakeholderNeed:
    locked = StakeholderNeed.objects.select_for_update().get(pk=need.pk)
    if status not in TRANSITIONS.get(NeedStatus(locked.status), set()):
        new = NeedStatus(status).label if status in NeedStatus.values else status
        error = ValidationError(MESSAGE_TRANSITION, params={"current": locked.get_status_display(), "new": new})
        raise ValidationError({"status": [error]})
    locked.status = status
    locked._history_user = by  # type: ignore[attr-defined]  # simple-history's who-changed-it hook
    locked.save()
    _changed(locked)
    return locked


@dataclass
class ImportOutcome:
    """What an import did or would do: rows by kind, and errors by row number (1 = first data row)."""

    totals: dict[str, int]
    row_errors: dict[int, list[str]]
    committed: bool

    @property
    def has_errors(self) -> bool:
        return bool(self.row_errors)


def _record_of(need: StakeholderNeed) -> NeedRecord:
    return NeedRecord(
        country=need.country,
        area=need.area,
        stakeholder_group=need.stakeholder_group,
        description=need.description,
        urgency=need.urgency,
        source=need.source,
        raised_on=need.raised_on,
    )


def rows_import(resource, dataset, *, commit: bool) -> tuple[ImportOutcome, Any]:
    """Import a tablib dataset through a django-import-export resource, all rows or none: every row is checked
    first (a dry run) and nothing is written unless all pass and `commit` asks for it. With the result of the
    write (None when nothing was written), for what the caller does next in the same transaction."""
    preview = resource.import_data(dataset, dry_run=True, use_transactions=True, rollback_on_validation_errors=True)
    row_errors: dict[int, list[str]] = {}
    for number, row in enumerate(preview.rows, start=1):
        if row.validation_error is not None:
            row_errors[number] = [
                f"{field}: {message}"
                for field, messages in row.validation_error.message_dict.items()
                for message in messages
            ]
    for number, errors in preview.row_errors():
        row_errors.setdefault(number, []).extend(str(error.error) for error in errors)
    if not commit or row_errors:
        return ImportOutcome(totals=dict(preview.totals), row_errors=row_errors, committed=False), None
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True)
    if result.has_errors() or result.has_validation_errors():
        raise ValidationError(_("The file changed between the preview and the import; nothing was imported."))
    return ImportOutcome(totals=dict(result.totals), row_errors={}, committed=True), result


def needs_import(*, by: User, dataset, commit: bool) -> ImportOutcome:
    """Import needs from a tablib dataset: every row is checked first and nothing is written unless all pass."""
    from ..resources import StakeholderNeedResource

    def validate(need: StakeholderNeed) -> None:
        validate_need(_record_of(need))

    resource = StakeholderNeedResource(user=by, validate=validate)
    with transaction.atomic():
        outcome, result = rows_import(resource, dataset, commit=commit)
        if result is not None:
            countries = sorted({row.instance.country_id for row in result.rows if row.instance is not None})
            transaction.on_commit(lambda: evidence_changed.send(sender=StakeholderNeed, countries=countries))
    return outcome
