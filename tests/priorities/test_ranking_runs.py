"""Ranking runs through the real stack: database → criteria → engine → stored, published snapshots."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from priorities.criteria import extract
from priorities.models import AreaResult, RankingResult, RankingRun, WeightProfile
from priorities.profiles import profile_criteria, profile_snapshot
from priorities.scoring import ScoringError
from priorities.selectors import policy_source_codes, ranking_is_stale, stale_countries
from priorities.services import (
    RunNotPublishableError,
    default_profile,
    ranking_recompute_after_change,
    ranking_run_execute,
    ranking_run_publish,
    ranking_run_request,
)
from priorities.tasks import compute_ranking
from programs.models import MissionReport, StakeholderNeed
from tests.factories import MissionReportFactory, StakeholderNeedFactory, UserFactory, WeightProfileFactory

AS_OF = datetime.date(2026, 11, 1)


def seed(countries=10, reports=60, needs=40, programs=20, seed_value=3):
    call_command(
        "seed_demo",
        *("--countries", str(countries), "--reports", str(reports), "--needs", str(needs)),
        *("--programs", str(programs), "--seed", str(seed_value), "--as-of", AS_OF.isoformat(), "--replace"),
        stdout=StringIO(),
    )


def run_now(profile=None, **options) -> RankingRun:
    """Request a run; the task queued on commit runs in-process (no broker in the test settings)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = ranking_run_request(
            profile=profile or default_profile(), as_of=AS_OF, samples=options.pop("samples", 200), **options
        )
    return RankingRun.objects.get(pk=run.pk)


def results_of(run: RankingRun) -> list[tuple]:
    return list(
        run.results.order_by("country").values_list("country", "rank", "score", "rank_p05", "rank_p95", "p_top10")
    )


@pytest.fixture
def demo(db):
    seed()


@pytest.mark.django_db
def test_a_run_ranks_countries_with_intervals_and_explanations(demo):
    run = run_now()
    assert run.status == "succeeded" and run.progress == 100
    ranked = list(run.results.filter(rank__isnull=False).order_by("rank"))
    assert len(ranked) >= 5
    assert [result.rank for result in ranked] == sorted(result.rank for result in ranked)
    for result in ranked:
        assert result.rank_p05 <= result.rank_median <= result.rank_p95
        assert 0 <= result.p_top10 <= 1
        assert sum(result.contributions.values()) == pytest.approx(result.score)
        assert 1 <= len(result.top_areas) <= 3
    assert {criterion["code"] for criterion in run.criteria} >= {"policy.sdg", "field.need", "history.stage"}
    assert sum(criterion["weight"] for criterion in run.criteria) == pytest.approx(1.0)
    assert run.inputs_digest and run.code_version and set(run.timings) == {"extract", "compute", "store"}


@pytest.mark.django_db
def test_areas_are_ranked_within_countries_and_countries_within_areas(demo):
    run = run_now()
    pairs = AreaResult.objects.filter(run=run, rank_in_area__isnull=False)
    assert pairs.exists()
    for area_id in pairs.values_list("area", flat=True).distinct():
        ranks = sorted(pairs.filter(area=area_id).values_list("rank_in_area", flat=True))
        assert ranks[0] == 1
    for pair in pairs[:20]:
        assert pair.rank_p05 <= pair.rank_p95
        assert set(pair.raw) == set(pair.normalized) == {criterion["code"] for criterion in run.criteria}


@pytest.mark.django_db
def test_countries_without_field_evidence_are_listed_as_insufficient_with_what_is_missing(demo):
    run = run_now()
    insufficient = run.results.filter(rank__isnull=True)
    assert insufficient.exists()
    assert all("field.need" in result.missing for result in insufficient)
    assert not insufficient.filter(score__isnull=False).exists()


@pytest.mark.django_db
def test_candidate_pool_lists_excluded_countries_with_the_reason(demo):
    profile = WeightProfileFactory(
        oda_eligible_only=True, excluded_countries={"VNM": "Served by JICA's project", "KEN": ""}
    )
    run = run_now(profile)
    reasons = {entry["iso3"]: entry["reason"] for entry in run.excluded}
    assert reasons["JPN"] == "Not on the OECD-DAC list of ODA recipients"
    assert reasons["VNM"] == "Excluded by the weight profile: Served by JICA's project"
    assert reasons["KEN"] == "Excluded by the weight profile"
    assert not run.results.filter(country__in=["JPN", "VNM", "KEN"]).exists()


@pytest.mark.django_db
def test_wipo_rule_keeps_only_recorded_members(demo):
    from countries.models import Country

    # South Sudan is not a party to the WIPO Convention (WIPO Lex); Indonesia's membership is made unknown.
    Country.objects.filter(iso3="IDN").update(wipo_member=None)
    run = run_now(WeightProfileFactory(wipo_members_only=True))
    ranked = set(run.results.values_list("country", flat=True))
    rules = {entry["iso3"]: entry["rule"] for entry in run.excluded}
    assert "KEN" in ranked and {"IDN", "SSD"}.isdisjoint(ranked)
    assert rules["IDN"] == rules["SSD"] == "wipo"
    assert not set(rules.values()) - {"oda", "wipo"}


@pytest.mark.django_db
def test_same_inputs_profile_and_seed_give_identical_results(demo):
    first = run_now(seed=42)
    second = run_now(seed=42)
    assert second.inputs_digest == first.inputs_digest
    assert second.identical_to_id == first.pk
    assert results_of(second) == results_of(first)


@pytest.mark.django_db
def test_results_of_another_engine_version_are_not_reused(demo):
    """Regression: reuse ignored the code version, so a fix to the engine never reached unchanged inputs."""
    earlier = run_now(seed=42)
    RankingRun.objects.filter(pk=earlier.pk).update(code_version="hipoc 0.0.1 / engine 0")
    again = run_now(seed=42)
    assert again.inputs_digest == earlier.inputs_digest
    assert again.identical_to_id is None
    assert again.results.exists()


@pytest.mark.django_db
def test_recomputing_from_scratch_is_bit_for_bit_identical(demo):
    first = run_now(seed=42)
    other_method = run_now(seed=42, method="topsis")
    assert other_method.identical_to_id is None
    RankingRun.objects.filter(pk=first.pk).update(inputs_digest="")  # no twin: compute again
    again = run_now(seed=42)
    assert again.identical_to_id is None
    assert results_of(again) == results_of(first)


@pytest.mark.django_db
def test_another_seed_is_computed_afresh(demo):
    first = run_now(seed=1)
    second = run_now(seed=2)
    assert second.identical_to_id is None
    assert [row[1] for row in results_of(second)] == [row[1] for row in results_of(first)]


@pytest.mark.django_db
def test_running_the_task_twice_does_not_duplicate_results(demo):
    run = run_now()
    count = RankingResult.objects.filter(run=run).count()
    compute_ranking.delay(run.pk)
    assert RankingResult.objects.filter(run=run).count() == count


@pytest.mark.django_db
def test_publishing_switches_atomically_and_records_movements(demo):
    first = ranking_run_publish(run=run_now(seed=1))
    StakeholderNeedFactory.create_batch(5, country_id=first.results.filter(rank__isnull=False).last().country_id)
    second = run_now(seed=1)
    assert second.compared_with_id == first.pk
    assert second.results.filter(previous_rank__isnull=False).exists()
    ranking_run_publish(run=second)
    first.refresh_from_db()
    assert not first.is_published
    assert RankingRun.objects.filter(profile_slug=first.profile_slug, is_published=True).get() == second


@pytest.mark.django_db
def test_failed_run_never_replaces_the_published_one(demo):
    published = ranking_run_publish(run=run_now())
    settings = profile_snapshot(default_profile())
    settings["criterion_weights"] = {"field.need": -1}
    # Written past the request service, which would refuse it: a run whose stored criteria cannot be scored.
    broken = RankingRun.objects.create(
        criteria=[{"code": "field.need", "weight": -1.0, "direction": "benefit"}],
        profile=default_profile(),
        profile_slug=published.profile_slug,
        profile_version=1,
        profile_settings=settings,
        method="wam",
        normalization="minmax",
        parameters={"publish_when_done": True},
        seed=1,
        samples=10,
        as_of=AS_OF,
    )
    compute_ranking.delay(broken.pk)
    broken.refresh_from_db()
    assert broken.status == "failed"
    assert "negative" in broken.error
    assert not broken.results.exists()
    with pytest.raises(RunNotPublishableError):
        ranking_run_publish(run=broken)
    assert RankingRun.objects.get(is_published=True) == published


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"criterion_weights": {"field.need": -1}}, "criterion_weights", "negative"),
        ({"criterion_weights": {"field.need": 0, "policy": 0}}, "weights", "above zero"),
        ({"criterion_weights": {"field.popularity": 1}}, "criterion_weights", "Unknown criterion"),
        ({"source_weights": {"manifesto": 1}}, "source_weights", "Unknown policy source"),
        ({"criterion_directions": {"field.need": "sideways"}}, "criterion_directions", "benefit"),
        (
            {
                "weight_method": "ahp",
                "ahp_matrix": {
                    "criteria": ["policy", "field.need", "history.stage"],
                    "judgements": {
                        "policy": {"field.need": 9, "history.stage": 1 / 9},
                        "field.need": {"history.stage": 9},
                    },
                },
            },
            "ahp_matrix",
            "inconsistent",
        ),
    ],
)
def test_bad_profiles_are_refused_and_nothing_is_written(changes, field, message):
    profile = WeightProfileFactory(**changes)
    with pytest.raises(ScoringError) as refused:
        ranking_run_request(profile=profile, as_of=AS_OF)
    assert refused.value.field == field
    assert message in refused.value.message
    assert not RankingRun.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("options", "field"), [({"method": "median"}, "method"), ({"samples": -5}, "samples")])
def test_bad_run_options_are_refused_before_anything_is_written(options, field):
    with pytest.raises(ScoringError) as refused:
        ranking_run_request(profile=default_profile(), as_of=AS_OF, **options)
    assert refused.value.field == field
    assert not RankingRun.objects.exists()


@pytest.mark.django_db
def test_nan_weight_is_refused_before_anything_is_written():
    profile = WeightProfileFactory()
    profile.settings["criterion_weights"] = {"field.need": float("nan"), "policy": 1}
    with pytest.raises(ScoringError, match="finite") as refused:
        ranking_run_request(profile=profile, as_of=AS_OF)
    assert refused.value.field == "criterion_weights"
    assert not RankingRun.objects.exists()


@pytest.mark.django_db
def test_consistent_ahp_profile_derives_weights():
    judgements = {"policy": {"field.need": 2, "history.stage": 4}, "field.need": {"history.stage": 2}}
    profile = WeightProfileFactory(
        weight_method="ahp",
        ahp_matrix={"criteria": ["policy", "field.need", "history.stage"], "judgements": judgements},
    )
    run = run_now(profile, samples=10)
    weights = {criterion["code"]: criterion["weight"] for criterion in run.criteria}
    assert sum(value for code, value in weights.items() if code.startswith("policy.")) == pytest.approx(4 / 7)
    assert weights["field.need"] == pytest.approx(2 / 7)
    assert weights["history.stage"] == pytest.approx(1 / 7)


def statements(function) -> list[str]:
    """The SQL statements a call runs, leaving out the savepoints of the test's own transaction."""
    with CaptureQueriesContext(connection) as queries:
        function()
    return [query["sql"] for query in queries.captured_queries if "SAVEPOINT" not in query["sql"]]


def query_count(function) -> int:
    return len(statements(function))


@pytest.mark.django_db
def test_criteria_extraction_runs_a_fixed_number_of_queries_whatever_the_data_size():
    settings = default_profile().config
    criteria = profile_criteria(settings, policy_source_codes())
    seed(countries=6, reports=20, needs=10, programs=5)
    small = query_count(lambda: extract(settings, criteria, as_of=AS_OF))
    seed(countries=30, reports=400, needs=300, programs=150)
    large = query_count(lambda: extract(settings, criteria, as_of=AS_OF))
    assert small == large
    assert large <= 15


@pytest.mark.django_db
def test_a_whole_run_runs_a_fixed_number_of_queries_whatever_the_data_size():
    profile = default_profile()
    seed(countries=6, reports=20, needs=10, programs=5)
    small_run = ranking_run_request(profile=profile, as_of=AS_OF, samples=20, seed=1)
    RankingRun.objects.filter(pk=small_run.pk).update(status="queued", progress=0)
    RankingResult.objects.filter(run=small_run).delete()
    AreaResult.objects.filter(run=small_run).delete()
    small = statements(lambda: ranking_run_execute(run_id=small_run.pk))
    seed(countries=30, reports=400, needs=300, programs=150)
    large_run = ranking_run_request(profile=profile, as_of=AS_OF, samples=20, seed=2)
    RankingRun.objects.filter(pk=large_run.pk).update(status="queued", progress=0)
    RankingResult.objects.filter(run=large_run).delete()
    AreaResult.objects.filter(run=large_run).delete()
    large = statements(lambda: ranking_run_execute(run_id=large_run.pk))
    assert len(small) == len(large)
    # SQLite caps the parameters of one statement, so its bulk inserts come in more batches.
    work = [sql for sql in large if not sql.startswith("INSERT")]
    # The Monte Carlo reads the evidence again under half and twice the half-life: six grouped queries each. The
    # context indicators are one query.
    assert len(work) <= 34
    if connection.vendor == "postgresql":
        assert len(large) <= 36


@pytest.mark.django_db
def test_ranking_is_stale_after_evidence_changes(demo):
    run = run_now()
    assert not ranking_is_stale(run)
    need = StakeholderNeed.objects.first()
    need.urgency = 5
    need.save()
    assert ranking_is_stale(run)


@pytest.mark.django_db
def test_changes_queue_one_debounced_recompute_that_waits_for_staff(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert ranking_recompute_after_change(reason="need changed") is True
        assert ranking_recompute_after_change(reason="another") is False
    run = RankingRun.objects.get()
    assert run.trigger == "data_change"
    assert run.ready_to_publish and not run.is_published


@pytest.mark.django_db
def test_rank_command_prints_the_top_and_the_run_id_last(demo):
    out = StringIO()
    call_command("rank", "--samples", "50", "--seed", "7", "--method", "topsis", "--publish", stdout=out)
    lines = out.getvalue().strip().splitlines()
    run = RankingRun.objects.get(pk=int(lines[-1]))
    assert run.method == "topsis" and run.seed == 7 and run.samples == 50 and run.is_published
    top = run.results.get(rank=1)
    assert any(top.country.name[:32] in line for line in lines)


@pytest.mark.django_db
def test_rank_command_refuses_an_unknown_profile():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No weight profile"):
        call_command("rank", "--profile", "nope", stdout=StringIO())


@pytest.mark.django_db
def test_profile_snapshot_is_copied_into_the_run(demo):
    profile = WeightProfile.objects.get(is_default=True)
    run = run_now(profile)
    profile.settings["top_k_areas"] = 5
    profile.save()
    run.refresh_from_db()
    assert run.profile_settings["top_k_areas"] == 3


@pytest.mark.django_db
def test_the_country_whose_need_changed_is_marked_stale(demo):
    run = run_now()
    assert stale_countries(run) == set()
    need = StakeholderNeed.objects.filter(status="open").first()
    need.status = "met"
    need.save()
    assert stale_countries(run) == {need.country_id}


@pytest.mark.django_db
def test_an_indicator_import_that_changes_a_value_marks_that_country_stale_and_one_that_changes_none_does_not(demo):
    from countries.indicator_files import read_indicator_file
    from countries.models import IndicatorValue
    from countries.services import indicators_import

    run = run_now()
    reading = IndicatorValue.objects.filter(country__region="Asia").select_related("indicator").first()
    header = "iso3,indicator_code,year,value\n"

    def imported(value: float) -> None:
        line = f"{reading.country_id},{reading.indicator.code},{reading.year},{value}\n"
        files = [read_indicator_file("values.csv", (header + line).encode())]
        outcome = indicators_import(files, commit=True)
        assert outcome.committed and not outcome.problems

    imported(reading.value)
    assert not ranking_is_stale(run)
    assert stale_countries(run) == set()
    imported(reading.value + 1)
    assert ranking_is_stale(run)
    assert stale_countries(run) == {reading.country_id}


@pytest.mark.django_db
def test_evidence_a_century_old_under_a_one_day_half_life_weighs_nothing_and_stops_nothing(demo):
    """Regression: 0.5 ** (age / half-life) underflowed on PostgreSQL (DataError), failing every run."""
    need = StakeholderNeedFactory(raised_on=datetime.date(1900, 1, 1), urgency=5)
    run = run_now(WeightProfileFactory(recency_half_life_days=1), samples=10)
    assert run.status == "succeeded"
    assert AreaResult.objects.filter(run=run, country=need.country, area=need.area).exists()


@pytest.mark.django_db
def test_needs_heard_in_a_report_count_once_the_report_is_reviewed(demo):
    """Regression: needs inside a draft report already raised `needs.stakeholder`."""
    before = run_now(seed=5)
    report = MissionReportFactory(country_id="VNM", visit_end=datetime.date(2026, 10, 1))
    StakeholderNeedFactory(report=report, source="mission_report", urgency=5, raised_on=datetime.date(2026, 10, 1))

    def stakeholder_need(run):
        return AreaResult.objects.get(run=run, country="VNM", area__code="enforcement").raw["needs.stakeholder"]

    while_draft = run_now(seed=5)
    assert while_draft.inputs_digest == before.inputs_digest
    assert stakeholder_need(while_draft) == stakeholder_need(before)
    MissionReport.objects.filter(pk=report.pk).update(status="reviewed", reviewer=UserFactory(role="jpo-staff"))
    reviewed = run_now(seed=5)
    assert stakeholder_need(reviewed) > (stakeholder_need(before) or 0)


@pytest.mark.django_db
def test_a_burst_of_changes_without_a_broker_makes_one_run(demo, django_capture_on_commit_callbacks):
    """Regression: in-process tasks ignore the debounce countdown, and marking 14 needs met through the API made a
    run (and a publication) per change."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(UserFactory(role="jpo-staff"))
    needs = list(StakeholderNeed.objects.filter(status="open")[:14])
    assert len(needs) == 14
    runs_before = RankingRun.objects.count()
    for need in needs:
        with django_capture_on_commit_callbacks(execute=True):
            assert api.patch(f"/api/v1/needs/{need.pk}/", {"status": "met"}, format="json").status_code == 200
    assert RankingRun.objects.count() - runs_before == 1
