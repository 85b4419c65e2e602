"""Reads for the experts' workflow, with their related rows fetched up front."""

from django.db.models import QuerySet

from accounts.models import User

from .models import MissionReport


def reports_visible_to(user: User) -> QuerySet[MissionReport]:
    """All reports for staff; an expert's own reports for an expert; nothing for anyone else."""
    reports = MissionReport.objects.select_related("country", "author", "reviewer")
    if user.is_jpo_staff:
        return reports
    if user.is_expert:
        return reports.filter(author=user)
    return reports.none()


def reports_with_rows() -> QuerySet[MissionReport]:
    return MissionReport.objects.select_related("country", "author", "reviewer").prefetch_related(
        "assessments__area", "needs__area", "needs__stakeholder_group"
    )
