"""Cross-model reads for the prioritisation pages."""

from django.db.models import Count, Q

from countries.models import Country
from programs.models import CooperationArea, CooperationProgram, MissionReport, StakeholderNeed

from .models import PolicySource, WeightProfile


def overview_counts() -> dict[str, int]:
    """How much evidence HIPOC holds, in one aggregate query per table."""
    countries = Country.objects.aggregate(
        total=Count("iso3"), oda_eligible=Count("iso3", filter=~Q(oda_category=Country.OdaCategory.NOT_ELIGIBLE))
    )
    reports = MissionReport.objects.aggregate(
        total=Count("id"), awaiting_review=Count("id", filter=Q(status=MissionReport.Status.SUBMITTED))
    )
    return {
        "countries": countries["total"],
        "oda_eligible_countries": countries["oda_eligible"],
        "areas": CooperationArea.objects.count(),
        "programs": CooperationProgram.objects.count(),
        "reports": reports["total"],
        "reports_awaiting_review": reports["awaiting_review"],
        "open_needs": StakeholderNeed.objects.filter(status=StakeholderNeed.Status.OPEN).count(),
        "policy_sources": PolicySource.objects.count(),
        "weight_profiles": WeightProfile.objects.count(),
    }
