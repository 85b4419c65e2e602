"""Reads for the experts' workflow, with their related rows fetched up front."""

from django.db.models import Q, QuerySet

from accounts.models import User

from .models import MissionReport, StakeholderNeed


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


def needs_visible_to(user: User) -> QuerySet[StakeholderNeed]:
    """All needs for staff; for an expert those they recorded or heard in their own reports."""
    needs = StakeholderNeed.objects.select_related("country", "area", "stakeholder_group", "report__author")
    if user.is_jpo_staff:
        return needs
    if user.is_expert:
        return needs.filter(Q(created_by=user) | Q(report__author=user))
    return needs.none()
