"""Reads for the experts' workflow, with their related rows fetched up front."""

from datetime import date

from django.db.models import F, Q, QuerySet

from accounts.models import User
from countries.models import Country

from .models import (
    CooperationActivity,
    CooperationProgram,
    MissionReport,
    ProgramStatus,
    ReportStatus,
    Stage,
    StakeholderNeed,
)


def reports_visible_to(user: User) -> QuerySet[MissionReport]:
    """All reports for staff; an expert's own reports for an expert; nothing for anyone else."""
    reports = MissionReport.objects.select_related("country", "author", "reviewer")
    if user.has_perm("programs.read_every_report"):
        return reports
    if user.has_perm("programs.list_reports"):
        return reports.filter(author=user)
    return reports.none()


def reports_awaiting_review() -> QuerySet[MissionReport]:
    """Submitted reports, the longest waiting first."""
    return (
        MissionReport.objects.filter(status=ReportStatus.SUBMITTED)
        .select_related("country", "author")
        # Reports submitted before submission times were recorded have none: they have waited longest.
        .order_by(F("submitted_at").asc(nulls_first=True), "id")
    )


def reports_with_rows() -> QuerySet[MissionReport]:
    return MissionReport.objects.select_related("country", "author", "reviewer").prefetch_related(
        "assessments__area", "needs__area", "needs__stakeholder_group"
    )


def needs_visible_to(user: User) -> QuerySet[StakeholderNeed]:
    """All needs for staff; for an expert those they recorded or heard in their own reports."""
    needs = StakeholderNeed.objects.select_related("country", "area", "stakeholder_group", "report__author")
    if user.has_perm("programs.read_every_need"):
        return needs
    if user.has_perm("programs.list_needs"):
        return needs.filter(Q(created_by=user) | Q(report__author=user))
    return needs.none()


def history_changes(instance, *, names: dict | None = None, hidden: tuple[str, ...] = ()) -> list[dict]:
    """An object's history, newest first: who changed which fields from what to what.

    `names` maps a foreign-key field to {id: label}, since the history stores the ids.
    """
    names = names or {}
    records = list(instance.history.select_related("history_user").order_by("-history_date"))
    model = type(instance)
    entries = []
    # Each record against the one before it; the oldest (and an object whose history was never recorded, as a
    # bulk-loaded one) has nothing to compare with.
    for older, record in zip([*records[1:], None][: len(records)], records, strict=True):
        delta = record.diff_against(older).changes if older else []
        entries.append(
            {
                "record": record,
                "changes": [
                    {
                        "field": model._meta.get_field(change.field).verbose_name,
                        "old": names.get(change.field, {}).get(change.old, change.old),
                        "new": names.get(change.field, {}).get(change.new, change.new),
                    }
                    for change in delta
                    if change.field not in hidden
                ],
            }
        )
    return entries


def programs_with_relations() -> QuerySet[CooperationProgram]:
    return CooperationProgram.objects.prefetch_related("countries", "areas", "partners", "stakeholder_groups")


def programs_of_country(country: Country) -> QuerySet[CooperationProgram]:
    """The country's cooperation history: its programs, oldest first."""
    return programs_with_relations().filter(countries=country).order_by("start_date", "id")


def activities_of_country(country: Country) -> QuerySet[CooperationActivity]:
    return (
        CooperationActivity.objects.filter(country=country)
        .select_related("program", "area")
        .order_by("start_date", "id")
    )


def independence_ladder(programs) -> dict:
    """Where the country stands (the highest stage an ongoing or completed program reached) and, for each step,
    the program that first reached it."""
    counted = [program for program in programs if program.status in (ProgramStatus.ONGOING, ProgramStatus.COMPLETED)]
    first_at: dict[int, CooperationProgram] = {}
    for program in sorted(counted, key=lambda program: program.start_date):
        first_at.setdefault(program.stage, program)
    reached = max((program.stage for program in counted), default=None)
    steps = [
        {
            "stage": stage,
            "reached": reached is not None and stage <= reached,
            "current": stage == reached,
            "moved_by": first_at.get(stage),
        }
        for stage in Stage
    ]
    return {"reached": Stage(reached) if reached else None, "steps": steps}


def cooperation_timeline(programs, activities, today: date) -> list[dict]:
    """Programs and activities in one chronology, newest first, with a marker for today between what is planned
    and what has begun; events still to come are marked `planned`."""
    events = [{"date": program.start_date, "end": program.end_date, "program": program} for program in programs]
    events += [{"date": activity.start_date, "end": activity.end_date, "activity": activity} for activity in activities]
    for event in events:
        event["planned"] = event["date"] > today
    # On the same day, the marker comes after what begins today (newest first: today's events are below it).
    events.append({"date": today, "today": True})
    return sorted(events, key=lambda event: (event["date"], "today" in event), reverse=True)
