"""Pages of the prioritisation app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .selectors import overview_counts


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what evidence HIPOC holds."""
    counts = overview_counts()
    overview = [
        (_("Countries"), counts["countries"]),
        (_("ODA recipients"), counts["oda_eligible_countries"]),
        (_("Cooperation areas"), counts["areas"]),
        (_("Policy sources"), counts["policy_sources"]),
        (_("Cooperation programs"), counts["programs"]),
        (_("Mission reports"), counts["reports"]),
        (_("Reports awaiting review"), counts["reports_awaiting_review"]),
        (_("Open stakeholder needs"), counts["open_needs"]),
        (_("Weight profiles"), counts["weight_profiles"]),
    ]
    return render(request, "priorities/home.html", {"overview": overview})
