"""Evidence strength through the real stack: reports in the database → shrunk estimates → stored runs, API, pages."""

import datetime

import pytest
from rest_framework.test import APIClient

from countries.models import Country
from priorities.models import AreaResult, RankingResult
from programs.models import CooperationArea, MissionReport
from tests.factories import AreaAssessmentFactory, MissionReportFactory, UserFactory, WeightProfileFactory
from tests.priorities.test_ranking_runs import AS_OF, run_now, seed

HALF_LIFE = 730


@pytest.fixture
def lone_report(db):
    """The demo data, and one more pool country known from a single reviewed report, fresh (a month old)."""
    seed()
    country = (
        Country.objects.exclude(oda_category=Country.OdaCategory.NOT_ELIGIBLE)
        .filter(mission_reports__isnull=True, stakeholder_needs__isnull=True)
        .order_by("iso3")
        .first()
    )
    report = MissionReportFactory(
        country=country,
        visit_start=datetime.date(2026, 9, 28),
        visit_end=datetime.date(2026, 10, 1),
        status="reviewed",
        reviewer=UserFactory(role="jpo-staff"),
    )
    area = CooperationArea.objects.get(code="patent_examination")
    AreaAssessmentFactory(report=report, area=area, need_level=5, readiness=5, commitment=5)
    return report


def pair(run, report) -> AreaResult:
    return AreaResult.objects.get(run=run, country=report.country, area__code="patent_examination")


def move_back(report, years: int) -> None:
    MissionReport.objects.filter(pk=report.pk).update(
        visit_start=report.visit_start.replace(year=report.visit_start.year - years),
        visit_end=report.visit_end.replace(year=report.visit_end.year - years),
    )


@pytest.mark.django_db
def test_a_report_moved_eight_years_back_counts_for_little(lone_report):
    """Regression: moving a country's only report eight years back left its `field.need` and its rank unchanged."""
    profile = WeightProfileFactory(minimum_evidence=0.01, recency_half_life_days=HALF_LIFE)
    fresh = run_now(profile, samples=0)
    move_back(lone_report, 8)
    old = run_now(profile, samples=0)

    fresh_pair, old_pair = pair(fresh, lone_report), pair(old, lone_report)
    fresh_age = (AS_OF - datetime.date(2026, 10, 1)).days
    old_age = (AS_OF - datetime.date(2018, 10, 1)).days
    assert fresh_pair.evidence["amount"] == pytest.approx(0.5 ** (fresh_age / HALF_LIFE), abs=1e-6)
    assert old_pair.evidence["amount"] == pytest.approx(0.5 ** (old_age / HALF_LIFE), abs=1e-6)
    assert fresh_pair.evidence["reports"] == old_pair.evidence["reports"] == 1
    assert old_pair.evidence["latest"] == "2018-10-01"
    # The report said 5 either way; the old one moves the estimate far less from the prior.
    assert fresh_pair.raw["field.need"] == old_pair.raw["field.need"] == 5
    assert old_pair.values["field.need"] < fresh_pair.values["field.need"] - 0.1
    assert old_pair.evidence["standard_error"]["field.need"] > fresh_pair.evidence["standard_error"]["field.need"]
    fresh_rank = RankingResult.objects.get(run=fresh, country=lone_report.country).rank
    old_rank = RankingResult.objects.get(run=old, country=lone_report.country).rank
    assert old_rank > fresh_rank


@pytest.mark.django_db
def test_evidence_below_the_profiles_minimum_leaves_the_pair_unranked_naming_what_is_missing(lone_report):
    move_back(lone_report, 8)
    run = run_now(WeightProfileFactory(minimum_evidence=0.1, recency_half_life_days=HALF_LIFE), samples=0)
    old_pair = pair(run, lone_report)
    assert old_pair.score is None and old_pair.rank_in_area is None
    assert {"field.need", "field.readiness"} <= set(old_pair.missing)
    result = RankingResult.objects.get(run=run, country=lone_report.country)
    assert result.rank is None
    assert "field.need" in result.missing
    amount = pytest.approx(old_pair.evidence["amount"])
    assert result.evidence == {"amount": amount, "reports": 1, "latest": "2018-10-01"}


@pytest.mark.django_db
def test_the_api_and_the_country_page_say_what_evidence_stands_behind_a_rank(lone_report, client):
    run = run_now(samples=20, publish=True)
    iso3 = lone_report.country_id
    partner = APIClient()
    partner.force_authenticate(UserFactory(role="partner-system"))
    body = partner.get("/api/v1/rankings/latest/").json()
    row = next(result for result in body["results"] if result["iso3"] == iso3)
    assert row["evidence"]["reports"] == 1 and row["evidence"]["latest"] == "2026-10-01"
    assert 0.9 < row["evidence"]["amount"] <= 1
    assert all("evidence" in result for result in body["insufficient_data"])

    matrix = partner.get(f"/api/v1/rankings/{run.pk}/matrix/").json()
    alternative = next(a for a in matrix["alternatives"] if a["iso3"] == iso3 and a["area"] == "patent_examination")
    assert set(alternative["evidence"]["standard_error"]) == {"field.need", "field.readiness", "needs.stakeholder"}
    unassessed = next(a for a in matrix["alternatives"] if a["iso3"] == iso3 and a["area"] == "enforcement")
    # An area nobody assessed sits at its prior, and says so.
    assert {"field.need", "field.readiness"} <= set(unassessed["imputed"])
    assert unassessed["values"]["field.need"] is not None and unassessed["raw"]["field.need"] is None

    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/countries/{iso3}/").content.decode()
    assert "1 report · 2026" in page
    assert "effective evidence 0.97 fresh reports" in page
