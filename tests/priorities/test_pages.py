"""The staff dashboards through the real stack: dashboard, country and area pages, runs, profiles, exports."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from countries.models import Country
from priorities.models import PolicyPriority, RankingRun, WeightProfile
from priorities.services import default_profile, ranking_run_publish
from programs.models import CooperationArea, MissionReport
from tests.factories import (
    AreaAssessmentFactory,
    CooperationActivityFactory,
    CooperationProgramFactory,
    IndicatorValueFactory,
    MissionReportFactory,
    StakeholderNeedFactory,
    UserFactory,
)
from tests.priorities.test_api import computed_run, seed


def signed_in(client, role: str):
    user = UserFactory(role=role)
    client.force_login(user)
    return user


@pytest.fixture
def published(db):
    seed()
    return computed_run(publish=True)


def ranked_iso3(response) -> list[str]:
    return [row.record.country_id for row in response.context["table"].rows]


# Dashboard


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["jpo-staff", "expert", "partner-system"])
def test_every_role_sees_the_published_ranking(client, published, role):
    signed_in(client, role)
    response = client.get("/")
    assert response.status_code == 200
    ranked = published.results.filter(rank__isnull=False).order_by("rank")
    assert ranked_iso3(response) == [row.country_id for row in ranked]
    chart = response.context["chart"]
    assert [row["iso3"] for row in chart] == [row.country_id for row in ranked]
    # The forest plot: each country's median rank within its 5th–95th percentile whisker, in rank order.
    assert all(row["p05"] <= row["median"] <= row["p95"] for row in chart)
    page = response.content.decode()
    assert 'id="ranking-chart-data"' in page
    assert ("Recompute" in page) == (role == "jpo-staff")
    # A first published run has no movements: the legend says what the dashes mean.
    assert "—" in page.split('id="movement-legend"')[1].split("</p>")[0]
    assert "first published run" in page


@pytest.mark.django_db
def test_the_dashboard_filters_by_region_income_group_and_oda_category(client, published):
    signed_in(client, "jpo-staff")
    asia = client.get("/", {"region": "Asia"})
    regions = {row.record.country.region for row in asia.context["table"].rows}
    assert regions == {"Asia"}
    income = client.get("/", {"income_group": "LM", "oda_category": "LMIC"})
    assert {row.record.country.income_group for row in income.context["table"].rows} <= {"LM"}
    everyone = client.get("/")
    assert len(asia.context["table"].rows) < len(everyone.context["table"].rows)
    # A filter left alone reads "Any", not a row of dashes.
    for name in ("region", "income_group", "oda_category"):
        choices = everyone.context["view"].countries.form.fields[name].choices
        assert next(iter(choices)) == ("", "Any")


@pytest.mark.django_db
def test_the_area_filter_shows_that_areas_ranking(client, published):
    signed_in(client, "jpo-staff")
    response = client.get("/", {"area": "enforcement"})
    rows = list(response.context["table"].rows)
    expected = published.area_results.filter(area__code="enforcement", rank_in_area__isnull=False).order_by(
        "rank_in_area", "country__name"
    )
    assert [row.record.country_id for row in rows] == [row.country_id for row in expected]
    assert [row.record.rank for row in rows] == [row.rank_in_area for row in expected]


@pytest.mark.django_db
def test_the_ranking_sorts_by_a_column(client, published):
    signed_in(client, "jpo-staff")
    scores = [row.record.score for row in client.get("/", {"sort": "score"}).context["table"].rows]
    assert scores == sorted(scores)


@pytest.mark.django_db
def test_an_unknown_filter_value_is_shown_as_a_form_error(client, published):
    signed_in(client, "jpo-staff")
    response = client.get("/", {"profile": "nope", "region": "Atlantis"})
    assert response.status_code == 200
    assert response.context["view"].form.errors["profile"]
    assert response.context["view"].countries.form.errors["region"]


@pytest.mark.django_db
def test_countries_without_enough_data_are_listed_apart_with_what_is_missing(client, published):
    signed_in(client, "jpo-staff")
    response = client.get("/")
    insufficient = [item["row"] for item in response.context["insufficient"]]
    assert insufficient
    assert not {row.country_id for row in insufficient} & set(ranked_iso3(response))
    # What they lack is named in words, not by criterion code.
    page = response.content.decode()
    listed = page[page.index('id="insufficient-data"') : page.index("</details>", page.index('id="insufficient-data"'))]
    assert "Need assessed on mission" in listed and "field.need" not in listed


@pytest.mark.django_db
def test_the_dashboard_says_when_the_ranking_is_stale(client, published):
    signed_in(client, "jpo-staff")
    assert not client.get("/").context["stale"]
    StakeholderNeedFactory(country=Country.objects.get(iso3=published.results.first().country_id))
    response = client.get("/")
    assert response.context["stale"]
    assert "The evidence changed after this ranking was computed" in response.content.decode()


@pytest.mark.django_db
def test_with_nothing_published_the_dashboard_says_so(client, db):
    signed_in(client, "jpo-staff")
    response = client.get("/")
    assert response.status_code == 200
    assert "No ranking has been published" in response.content.decode()


@pytest.mark.django_db
def test_staff_recompute_and_follow_the_run_to_its_new_ranking(client, published):
    signed_in(client, "jpo-staff")
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post("/rankings/recompute/", HTTP_HX_REQUEST="true")
    assert started.status_code == 200
    run = RankingRun.objects.latest("created_at")
    assert run.pk != published.pk
    assert (run.status, run.is_published) == ("succeeded", True)
    progress = client.get(f"/rankings/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
    assert client.get("/").context["view"].run.pk == run.pk


@pytest.mark.django_db
def test_a_queued_run_is_shown_polling_its_progress(client, published):
    signed_in(client, "jpo-staff")
    with TestCase.captureOnCommitCallbacks(execute=False):
        client.post("/rankings/recompute/", HTTP_HX_REQUEST="true")
    run = RankingRun.objects.latest("created_at")
    page = client.get("/").content.decode()
    assert f'hx-get="/rankings/{run.pk}/progress/"' in page
    progress = client.get(f"/rankings/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in progress
    assert 'hx-trigger="every 1s"' in progress.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["expert", "partner-system"])
def test_only_staff_start_runs_or_see_their_progress(client, published, role):
    signed_in(client, role)
    assert client.post("/rankings/recompute/").status_code == 403
    assert client.get(f"/rankings/{published.pk}/progress/").status_code == 403
    assert RankingRun.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_ranking_exports_with_the_filters_applied(client, published, kind):
    signed_in(client, "expert")
    response = client.get("/rankings/export/", {"format": kind, "region": "Asia"})
    assert response.status_code == 200
    shown = ranked_iso3(client.get("/", {"region": "Asia"}))
    if kind == "csv":
        lines = response.content.decode().strip().splitlines()
        assert lines[0].startswith("Rank,ISO 3166-1 alpha-3,Country,Score,")
        exported = [line.split(",")[1] for line in lines[1:]]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        exported = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported == shown


@pytest.mark.django_db
def test_the_ranking_export_is_headed_and_filled_with_labels_in_the_readers_language(client, published):
    import csv

    signed_in(client, "jpo-staff")
    english = list(csv.reader(io.StringIO(client.get("/rankings/export/", {"format": "csv"}).content.decode())))
    assert english[0] == [
        "Rank",
        "ISO 3166-1 alpha-3",
        "Country",
        "Score",
        "Rank, 5th percentile",
        "Median rank",
        "Rank, 95th percentile",
        "P(top 10)",
        "Previous rank",
        "Top areas",
    ]
    area_names = set(CooperationArea.objects.values_list("name", flat=True))
    assert all(set(row[9].split("; ")) <= area_names for row in english[1:] if row[9])
    response = client.get("/rankings/export/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="ja")
    japanese = list(csv.reader(io.StringIO(response.content.decode())))
    assert japanese[0][:3] == ["順位", "ISO 3166-1 アルファ3", "国"]
    assert japanese[1][2] == Country.objects.get(iso3=japanese[1][1]).name_ja


@pytest.mark.django_db
def test_an_unknown_export_format_is_a_400(client, published):
    signed_in(client, "jpo-staff")
    assert client.get("/rankings/export/", {"format": "pdf"}).status_code == 400


# Country and area pages


@pytest.mark.django_db
def test_the_country_page_explains_the_rank_with_its_evidence(client, published):
    staff = signed_in(client, "jpo-staff")
    top = published.results.get(rank=1)
    country = top.country
    report = MissionReportFactory(country=country, status=MissionReport.Status.REVIEWED, reviewer=staff)
    AreaAssessmentFactory(report=report)
    program = CooperationProgramFactory(countries=[country], stage=2, title="Examiner exchange")
    CooperationActivityFactory(program=program, country=country, title="Search training")
    IndicatorValueFactory(country=country, year=2023, value=1234.0)
    PolicyPriority.objects.get(code="SDG-9.5").countries.add(country)
    response = client.get(f"/countries/{country.iso3.lower()}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["result"].rank == 1
    assert {row["label"] for row in response.context["chart"]} >= {"Need assessed on mission"}
    assert sum(row["value"] for row in response.context["chart"]) == pytest.approx(top.score, abs=1e-3)
    assert f"/reports/{report.pk}/" in page
    assert f"/programs/{program.pk}/" in page
    assert "Search training" in page
    assert "1234" in page
    assert response.context["ladder"]["reached"] >= 2
    moved = response.context["ladder"]["steps"][1]["moved_by"]
    assert moved.stage == 2
    assert f"/programs/{moved.pk}/" in page
    assert "SDG-9.5" in page
    areas = [row.rank_in_country for row in response.context["areas"] if row.rank_in_country]
    assert areas == sorted(areas)


@pytest.mark.django_db
def test_the_country_page_shows_an_expert_only_the_reports_they_may_read(client, published):
    country = published.results.get(rank=1).country
    reviewer = UserFactory(role="jpo-staff")
    other = MissionReportFactory(country=country, status=MissionReport.Status.REVIEWED, reviewer=reviewer)
    expert = signed_in(client, "expert")
    own = MissionReportFactory(country=country, status=MissionReport.Status.REVIEWED, author=expert, reviewer=reviewer)
    page = client.get(f"/countries/{country.iso3}/").content.decode()
    assert f"/reports/{own.pk}/" in page
    assert f"/reports/{other.pk}/" not in page


@pytest.mark.django_db
def test_the_country_brief_is_one_printable_page(client, published):
    signed_in(client, "jpo-staff")
    country = published.results.get(rank=1).country
    response = client.get(f"/countries/{country.iso3}/", {"view": "brief"})
    assert response.status_code == 200
    assert "country brief" in response.content.decode()
    assert response.templates[0].name == "priorities/country_brief.html"


@pytest.mark.django_db
def test_unknown_country_or_area_is_a_404(client, published):
    signed_in(client, "jpo-staff")
    assert client.get("/countries/XXX/").status_code == 404
    assert client.get("/areas/nothing/").status_code == 404


@pytest.mark.django_db
def test_the_area_page_ranks_countries_for_that_area(client, published):
    signed_in(client, "partner-system")
    response = client.get("/areas/patent_examination/")
    assert response.status_code == 200
    ranks = [row.record.rank for row in response.context["table"].rows]
    assert ranks and ranks == sorted(ranks)
    asia = client.get("/areas/patent_examination/", {"region": "Asia"})
    assert {row.record.country.region for row in asia.context["table"].rows} <= {"Asia"}


# Run history


@pytest.mark.django_db
def test_run_history_shows_unpublished_runs_to_staff_only(client, published):
    draft = computed_run(publish=False, seed_value=2)
    staff = signed_in(client, "jpo-staff")
    RankingRun.objects.filter(pk=draft.pk).update(created_by=staff)
    response = client.get("/rankings/")
    assert {run.pk for run in response.context["runs"]} == {published.pk, draft.pk}
    page = response.content.decode()
    for shown in ("Weighted arithmetic mean", "Succeeded", str(staff), "extract", "compute", "store", "published"):
        assert shown in page
    compare = response.context["form"]
    assert [compare[name].label for name in ("first", "second")] == ["Run", "Compared with"]
    assert next(iter(compare.fields["second"].choices)) == ("", "Choose a run")
    client.logout()
    signed_in(client, "expert")
    assert {run.pk for run in client.get("/rankings/").context["runs"]} == {published.pk}


@pytest.mark.django_db
def test_two_runs_compare_with_rank_changes_and_spearman(client, published):
    other = computed_run(publish=False, seed_value=2)
    RankingRun.objects.filter(pk=other.pk).update(method="topsis")
    signed_in(client, "jpo-staff")
    response = client.get("/rankings/compare/", {"first": other.pk, "second": published.pk})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison["common"] == published.results.filter(rank__isnull=False).count()
    assert comparison["rho"] == pytest.approx(1.0)  # same inputs and seed: the same ranks
    assert "Spearman" in response.content.decode()


@pytest.mark.django_db
def test_comparing_a_run_with_itself_is_refused_by_field(client, published):
    signed_in(client, "jpo-staff")
    response = client.get("/rankings/compare/", {"first": published.pk, "second": published.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["second"]


@pytest.mark.django_db
def test_staff_publish_a_run_and_others_may_not(client, published):
    draft = computed_run(publish=False, seed_value=2)
    signed_in(client, "expert")
    assert client.post(f"/rankings/{draft.pk}/publish/").status_code == 403
    client.logout()
    signed_in(client, "jpo-staff")
    assert client.post(f"/rankings/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.is_published, published.is_published) == (True, False)


@pytest.mark.django_db
def test_a_failed_run_cannot_be_published(client, published):
    failed = computed_run(publish=False, seed_value=2)
    RankingRun.objects.filter(pk=failed.pk).update(status="failed")
    signed_in(client, "jpo-staff")
    response = client.post(f"/rankings/{failed.pk}/publish/", follow=True)
    assert "Only a run that succeeded can be published." in response.content.decode()
    assert RankingRun.objects.get(is_published=True).pk == published.pk


# Query budgets


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_every_page_runs_the_same_queries_whatever_the_number_of_countries(client):
    signed_in(client, "jpo-staff")

    def measure():
        run = RankingRun.objects.get(is_published=True)
        iso3 = run.results.get(rank=1).country_id
        other = RankingRun.objects.exclude(pk=run.pk).first()
        program = Country.objects.get(iso3=iso3).programs.first() or CooperationProgramFactory(
            countries=[Country.objects.get(iso3=iso3)]
        )
        paths = {
            "dashboard": "/",
            "dashboard by area": "/?area=enforcement&region=Asia",
            "country": f"/countries/{iso3}/",
            "brief": f"/countries/{iso3}/?view=brief",
            "area": "/areas/enforcement/",
            "runs": "/rankings/",
            "compare": f"/rankings/compare/?first={run.pk}&second={other.pk}",
            "profiles": "/profiles/",
            "profile": f"/profiles/{default_profile().slug}/",
            "programs": "/programs/",
            "program": f"/programs/{program.pk}/",
            "export": "/rankings/export/?format=csv",
        }
        return {name: queries_for(client, path) for name, path in paths.items()}

    seed(reports=20, needs=10, countries=5)
    computed_run(publish=False, seed_value=9)
    computed_run(publish=True, seed_value=1)
    small = measure()
    seed(reports=300, needs=200, countries=40)
    computed_run(publish=False, seed_value=8)
    ranking_run_publish(run=computed_run(publish=False, seed_value=2))
    large = measure()
    assert small == large


# Weight profiles


def profile_post(**changes) -> dict:
    data = {
        "name": "SDGs double",
        "slug": "sdgs-double",
        "description": "",
        "weight_method": "direct",
        "normalization": "minmax",
        "aggregation": "wam",
        "coverage_threshold": "0.7",
        "top_k_areas": "3",
        "monte_carlo_samples": "200",
        "sensitivity_samples": "512",
        "imputation": "none",
        "recency_half_life_days": "730",
        "weight_concentration": "100",
        "prior_strength": "1",
        "prior_group": "region",
        "minimum_evidence": "0.1",
        "needs_goalpost": "25",
        "continuity_goalpost": "5",
        "oda_eligible_only": "on",
        "weight__policy": "0.6",
        "weight__field__need": "0.2",
        "weight__field__readiness": "0.15",
        "weight__needs__stakeholder": "0.15",
        "weight__history__continuity": "0.1",
        "weight__history__stage": "0.1",
        "weight__history__next_step": "0.05",
        "ladder_direction": "benefit",
    }
    data.update(changes)
    return data


def rows_post(prefix: str, rows: list[dict]) -> dict:
    """A table of rows as the profile page posts it: the management form and each row's inputs."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def consistent_ahp() -> dict:
    return dict.fromkeys(ahp_field_names(), "1")


def inconsistent_ahp() -> dict:
    """Policy ≫ need ≫ readiness, yet readiness ≫ policy: a consistency ratio far above 0.1."""
    judgements = consistent_ahp()
    judgements["ahp__policy__vs__field__need"] = "9"
    judgements["ahp__field__need__vs__field__readiness"] = "9"
    judgements["ahp__policy__vs__field__readiness"] = "0.1111111111"
    return judgements


def ahp_field_names() -> list[str]:
    from priorities.profile_forms import PAIRS, judgement_field_name

    return [judgement_field_name(first, second) for first, second in PAIRS]


@pytest.mark.django_db
def test_staff_create_a_profile_with_direct_weights(client):
    staff = signed_in(client, "jpo-staff")
    response = client.post("/profiles/new/", profile_post())
    assert response.status_code == 302
    profile = WeightProfile.objects.get(slug="sdgs-double")
    assert profile.config.criterion_weights["policy"] == pytest.approx(0.6)
    assert (profile.created_by, profile.version) == (staff, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight__policy": "-1"}, "weight__policy"),
        ({"weight__policy": "nan"}, "weight__policy"),
        ({"weight__field__need": "1e9"}, "weight__field__need"),
        ({"slug": "has spaces"}, "slug"),
        ({"coverage_threshold": "1.5"}, "coverage_threshold"),
        ({"top_k_areas": "0"}, "top_k_areas"),
        ({"monte_carlo_samples": "100001"}, "monte_carlo_samples"),
        ({"sensitivity_samples": "500"}, "sensitivity_samples"),
    ],
)
def test_bad_profile_settings_are_refused_by_field(client, changes, field):
    signed_in(client, "jpo-staff")
    response = client.post("/profiles/new/", profile_post(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert "__all__" not in errors  # named by field, not as a violated database constraint
    assert not WeightProfile.objects.filter(slug="sdgs-double").exists()


@pytest.mark.django_db
def test_all_zero_weights_are_refused(client):
    signed_in(client, "jpo-staff")
    zeros = {name: "0" for name in profile_post() if name.startswith("weight__")}
    response = client.post("/profiles/new/", profile_post(**zeros))
    assert response.status_code == 400
    assert not WeightProfile.objects.filter(slug="sdgs-double").exists()


@pytest.mark.django_db
def test_inconsistent_ahp_judgements_cannot_be_saved_and_the_worst_are_marked(client):
    signed_in(client, "jpo-staff")
    judgements = inconsistent_ahp()
    response = client.post("/profiles/new/", profile_post(weight_method="ahp", **judgements))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.consistency["ratio"] > 0.1
    assert "ahp__policy__vs__field__readiness" in form.inconsistent_fields
    assert "judgement-inconsistent" in response.content.decode()
    assert not WeightProfile.objects.filter(slug="sdgs-double").exists()


@pytest.mark.django_db
def test_consistent_ahp_judgements_save_the_matrix(client):
    signed_in(client, "jpo-staff")
    judgements = consistent_ahp()
    judgements["ahp__policy__vs__field__need"] = "3"
    response = client.post("/profiles/new/", profile_post(weight_method="ahp", **judgements))
    assert response.status_code == 302
    profile = WeightProfile.objects.get(slug="sdgs-double")
    assert profile.config.ahp_matrix["judgements"]["policy"]["field.need"] == 3.0


@pytest.mark.django_db
def test_the_consistency_ratio_is_checked_as_judgements_change(client):
    signed_in(client, "jpo-staff")
    judgements = inconsistent_ahp()
    response = client.post("/profiles/ahp-check/", profile_post(weight_method="ahp", **judgements))
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be saved" in page
    assert page.count("judgement-inconsistent") == 3
    fine = client.post("/profiles/ahp-check/", profile_post(weight_method="ahp", **consistent_ahp()))
    assert "Consistency ratio 0.000" in fine.content.decode()


@pytest.mark.django_db
def test_editing_a_profile_raises_its_version_and_save_as_new_keeps_it(client):
    signed_in(client, "jpo-staff")
    profile = default_profile()
    edited = client.post(f"/profiles/{profile.slug}/", profile_post(name=profile.name, slug=profile.slug, save="1"))
    assert edited.status_code == 302
    profile.refresh_from_db()
    assert profile.version == 2
    copy = client.post(f"/profiles/{profile.slug}/", profile_post(save_as_new="1"))
    assert copy.status_code == 302
    assert WeightProfile.objects.get(slug="sdgs-double").version == 1
    profile.refresh_from_db()
    assert profile.version == 2


@pytest.mark.django_db
def test_staff_let_a_profile_publish_its_automatic_runs_at_once(client):
    signed_in(client, "jpo-staff")
    profile = default_profile()
    assert not profile.config.auto_publish
    page = client.get(f"/profiles/{profile.slug}/").content.decode()
    assert 'name="auto_publish"' in page and "Publish automatic runs at once" in page
    edited = client.post(
        f"/profiles/{profile.slug}/", profile_post(name=profile.name, slug=profile.slug, save="1", auto_publish="on")
    )
    assert edited.status_code == 302
    profile.refresh_from_db()
    assert profile.config.auto_publish and profile.version == 2


@pytest.mark.django_db
def test_what_if_reranks_without_saving_anything(client, published):
    signed_in(client, "jpo-staff")
    profile = default_profile()
    before = (RankingRun.objects.count(), WeightProfile.objects.get(pk=profile.pk).settings)
    response = client.post(
        f"/profiles/{profile.slug}/what-if/",
        profile_post(name=profile.name, slug=profile.slug, **{"weight__field__need": "5"}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)
    assert all(row["published_rank"] is not None for row in rows)
    assert any(row["change"] for row in rows)
    assert (RankingRun.objects.count(), WeightProfile.objects.get(pk=profile.pk).settings) == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["expert", "partner-system"])
def test_only_staff_change_profiles_or_ask_what_if(client, role):
    signed_in(client, role)
    profile = default_profile()
    assert client.get("/profiles/").status_code == 200
    assert client.get(f"/profiles/{profile.slug}/").status_code == 200
    assert client.get("/profiles/new/").status_code == 403
    assert client.post(f"/profiles/{profile.slug}/", profile_post(save="1")).status_code == 403
    assert client.post(f"/profiles/{profile.slug}/what-if/", profile_post()).status_code == 403
    assert client.post("/profiles/ahp-check/", profile_post()).status_code == 403


@pytest.mark.django_db
def test_the_dashboards_speak_japanese(client, published):
    signed_in(client, "jpo-staff")
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    dashboard = client.get("/").content.decode()
    assert "国別ランキング" in dashboard
    assert "順位（5〜95パーセンタイル）" in dashboard
    # The charts take their words from the page.
    chart_words = {"median": "順位の中央値", "interval": "順位（5〜95パーセンタイル）", "rank": "順位"}
    for name, word in chart_words.items():
        assert f'data-{name}-label="{word}"' in dashboard
    country = client.get(f"/countries/{published.results.get(rank=1).country_id}/").content.decode()
    assert "自立の段階" in country
    assert 'data-value-label="寄与"' in country
    assert "各基準の根拠情報" in country
    assert "計算履歴" in client.get("/rankings/").content.decode()
    assert "仮定の分析" in client.get(f"/profiles/{default_profile().slug}/").content.decode()
    assert "協力プログラム" in client.get("/programs/").content.decode()
