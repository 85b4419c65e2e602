"""The publication gate: automatic runs wait for staff, who see what changes and why, then publish or discard them;
a run identical to the published one says so and is never published twice."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, TestCase

from countries.models import Country
from notifications.models import WebhookDelivery
from notifications.services import webhook_endpoint_register
from priorities.criteria import extract
from priorities.models import RankingRun, WeightProfile
from priorities.profiles import profile_criteria
from priorities.selectors import policy_source_codes, rank_changes
from priorities.services import (
    RunNotDiscardableError,
    default_profile,
    ranking_run_discard,
    ranking_run_publish,
)
from priorities.tasks import nightly_ranking, recompute_default_ranking
from programs.models import CooperationArea, MissionReport
from tests.factories import AreaAssessmentFactory, MissionReportFactory, UserFactory
from tests.priorities.test_api import AS_OF, api_for, computed_run, seed


def fast_default_profile(**changes) -> WeightProfile:
    """The default profile with few samples and no sensitivity analysis, so that an automatic run is quick."""
    profile = default_profile()
    profile.settings = {**profile.settings, "monte_carlo_samples": 50, "sensitivity_samples": 0, **changes}
    profile.save()
    return profile


def automatic_run(task=nightly_ranking) -> RankingRun:
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_id = task.delay().get()
    return RankingRun.objects.get(pk=run_id)


def signed_in(role: str = "jpo-staff") -> Client:
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


def strengthen_evidence(country: str, reports: int = 3) -> MissionReport:
    """Fresh reviewed reports with the highest need, readiness and commitment in every area: the kind of change
    that lifts a country. Returns the last of them."""
    reviewer = UserFactory(role="jpo-staff")
    for _number in range(reports):
        report = MissionReportFactory(
            country_id=country,
            status="reviewed",
            reviewer=reviewer,
            visit_start=AS_OF - datetime.timedelta(days=20),
            visit_end=AS_OF - datetime.timedelta(days=10),
        )
        for area in CooperationArea.objects.all():
            AreaAssessmentFactory(report=report, area=area, need_level=5, readiness=5, commitment=5)
    return report


@pytest.fixture
def published(db):
    seed()
    fast_default_profile()
    return computed_run(publish=True)


@pytest.mark.django_db
def test_a_nightly_run_waits_as_ready_to_publish_and_partners_and_webhooks_see_none_of_it(published):
    webhook_endpoint_register(partner=UserFactory(role="partner-system"), url="http://127.0.0.1:9/hook")
    waiting = automatic_run(nightly_ranking)
    assert waiting.status == "succeeded" and waiting.ready_to_publish and not waiting.is_published
    assert RankingRun.objects.get(is_published=True) == published
    partner = api_for("partner-system")
    assert partner.get("/api/v1/rankings/latest/").json()["id"] == published.pk
    assert [run["id"] for run in partner.get("/api/v1/rankings/").json()["results"]] == [published.pk]
    assert partner.get(f"/api/v1/rankings/{waiting.pk}/").status_code == 404
    assert not WebhookDelivery.objects.exists()
    staff_view = api_for("jpo-staff").get(f"/api/v1/rankings/{waiting.pk}/").json()
    assert staff_view["ready_to_publish"] is True and staff_view["published"] is False


@pytest.mark.django_db
def test_a_profile_that_opts_in_publishes_its_automatic_runs_at_once(published):
    fast_default_profile(auto_publish=True, top_k_areas=2)
    run = automatic_run(recompute_default_ranking)
    assert run.is_published and not run.ready_to_publish and run.trigger == "data_change"


@pytest.mark.django_db
def test_auto_publishing_is_not_an_input_of_the_ranking(published):
    """Whether a run publishes itself shapes no score: the inputs digest is the same either way."""
    profile = default_profile()
    criteria = profile_criteria(profile.config, policy_source_codes())
    before = extract(profile.config, criteria, as_of=AS_OF).digest
    after = extract(profile.config.replace(auto_publish=True), criteria, as_of=AS_OF).digest
    assert before == after


@pytest.mark.django_db
def test_staff_see_who_moved_and_which_evidence_changed_then_publish_from_the_runs_page(published):
    last = published.results.filter(rank__isnull=False).order_by("-rank").first()
    report = strengthen_evidence(last.country_id)
    waiting = automatic_run()
    client = signed_in()

    home = client.get("/").content.decode()
    assert f'href="/rankings/{waiting.pk}/"' in home and 'id="ready-to-publish"' in home
    page = client.get(f"/rankings/{waiting.pk}/").content.decode()
    assert 'id="ready-to-publish"' in page and f"What changes against the published run {published.pk}" in page
    assert 'id="comparison-summary"' in page
    mover = waiting.results.get(country=last.country_id)
    assert mover.rank < last.rank, "the fresh report should lift the country"
    movers = page[page.index('id="movers"') :]
    # The country that moved is listed with the report that moved it.
    assert last.country.name in movers and report.get_absolute_url() in movers

    response = client.post(f"/rankings/{waiting.pk}/publish/", {"next": "detail"})
    assert response.status_code == 302 and response["Location"] == f"/rankings/{waiting.pk}/"
    waiting.refresh_from_db()
    published.refresh_from_db()
    assert waiting.is_published and not waiting.ready_to_publish and not published.is_published
    assert api_for("partner-system").get("/api/v1/rankings/latest/").json()["id"] == waiting.pk


@pytest.mark.django_db
def test_staff_discard_a_waiting_run_and_the_published_ranking_stays(published):
    strengthen_evidence(published.results.filter(rank__isnull=False).first().country_id)
    waiting = automatic_run()
    client = signed_in()
    response = client.post(f"/rankings/{waiting.pk}/discard/", {"next": "detail"}, follow=True)
    assert "was discarded; the published ranking is unchanged" in response.content.decode()
    waiting.refresh_from_db()
    assert not waiting.ready_to_publish and waiting.discarded_at is not None and waiting.discarded_by is not None
    assert RankingRun.objects.get(is_published=True) == published
    # Discarded once, it cannot be discarded again, and the page no longer offers it.
    assert client.post(f"/rankings/{waiting.pk}/discard/").status_code == 409
    assert "Discard it" not in client.get(f"/rankings/{waiting.pk}/").content.decode()


@pytest.mark.django_db
def test_only_staff_publish_or_discard(published):
    strengthen_evidence(published.results.filter(rank__isnull=False).first().country_id)
    waiting = automatic_run()
    expert = signed_in("expert")
    assert expert.post(f"/rankings/{waiting.pk}/discard/").status_code == 403
    assert expert.post(f"/rankings/{waiting.pk}/publish/").status_code == 403
    waiting.refresh_from_db()
    assert waiting.ready_to_publish


@pytest.mark.django_db
def test_a_later_automatic_run_takes_the_place_of_the_one_waiting(published):
    strengthen_evidence(published.results.filter(rank__isnull=False).first().country_id)
    first = automatic_run()
    strengthen_evidence(published.results.filter(rank__isnull=False).last().country_id)
    second = automatic_run()
    first.refresh_from_db()
    assert second.ready_to_publish and not first.ready_to_publish
    with pytest.raises(RunNotDiscardableError):
        ranking_run_discard(run=first)


@pytest.mark.django_db
def test_publishing_a_run_overtakes_older_runs_that_waited(published):
    strengthen_evidence(published.results.filter(rank__isnull=False).first().country_id)
    waiting = automatic_run()
    manual = computed_run(publish=False, seed_value=9)
    ranking_run_publish(run=manual)
    waiting.refresh_from_db()
    assert not waiting.ready_to_publish and manual.pk > waiting.pk


@pytest.mark.django_db
def test_a_nightly_run_with_nothing_changed_is_identical_and_waits_for_nobody(published):
    nightly = automatic_run()
    again = automatic_run()
    assert again.identical_to_id == nightly.pk
    assert again.inputs_digest == nightly.inputs_digest
    # Nothing differs from the first nightly run; it alone waits.
    nightly.refresh_from_db()
    assert nightly.ready_to_publish is False and again.ready_to_publish is True
    ranking_run_publish(run=again)
    third = automatic_run()
    assert third.identical_to_id == again.pk and not third.ready_to_publish and not third.is_published
    page = signed_in().get(f"/rankings/{third.pk}/").content.decode()
    assert f"This run computed exactly what run {again.pk}, the published ranking, computed" in page
    assert "Publish this run" not in page


@pytest.mark.django_db
def test_the_rank_command_run_twice_publishes_once(published):
    """`make run` a second time: the same inputs give a run identical to the published one, which stays."""
    outputs = []
    for _time in range(2):
        out = StringIO()
        call_command("rank", "--publish", "--samples", "50", "--seed", "4", "--top", "3", stdout=out)
        outputs.append(out.getvalue())
    first, second = (RankingRun.objects.get(pk=int(text.strip().splitlines()[-1])) for text in outputs)
    assert first.published_at is not None and second.published_at is None
    assert second.identical_to_id == first.pk
    assert RankingRun.objects.filter(published_at__isnull=False).count() == 2  # the fixture's run, then the first
    assert f"identical to run {first.pk}, which is the published ranking already" in outputs[1]


@pytest.mark.django_db
def test_recompute_with_nothing_changed_publishes_nothing_new(published):
    client = signed_in()
    profile = fast_default_profile()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/rankings/recompute/", {"profile": profile.slug})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/rankings/recompute/", {"profile": profile.slug})
    first, second = RankingRun.objects.exclude(pk=published.pk).order_by("pk")
    assert first.is_published and not second.is_published and second.identical_to_id == first.pk
    progress = client.get(f"/rankings/{second.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in progress and f"identical to run {first.pk}" in progress.content.decode()
    listing = client.get("/rankings/").content.decode()
    assert f"identical to run {first.pk}" in listing


@pytest.mark.django_db
def test_the_api_says_which_run_a_run_is_identical_to(published):
    again = computed_run(publish=False)
    body = api_for("jpo-staff").get(f"/api/v1/rankings/{again.pk}/").json()
    assert body["identical_to"] == published.pk and body["ready_to_publish"] is False
    response = signed_in().post(f"/rankings/{again.pk}/publish/")
    assert response.status_code == 409
    assert f"identical to run {published.pk}" in response.content.decode()


@pytest.mark.django_db
def test_a_comparison_leads_with_the_top_ten_and_the_biggest_movers_and_folds_away_the_unranked(db):
    seed(countries=30, reports=90, needs=40)
    fast_default_profile()
    earlier = computed_run(publish=True)
    for result in earlier.results.filter(rank__isnull=False).order_by("-rank")[:3]:
        strengthen_evidence(result.country_id)
    later = computed_run(publish=False)
    comparison = rank_changes(later, earlier)
    ranks = {row["iso3"]: (row["first"], row["second"]) for row in comparison["rows"]}
    moves = [abs(row["change"]) for row in comparison["movers"]]
    assert moves and moves == sorted(moves, reverse=True) and 0 not in moves
    assert {row["iso3"] for row in comparison["entered_top"]} == {
        iso3 for iso3, (now, before) in ranks.items() if now is not None and now <= 10 and not (before and before <= 10)
    }
    assert {row["iso3"] for row in comparison["left_top"]} == {
        iso3 for iso3, (now, before) in ranks.items() if before is not None and before <= 10 and not (now and now <= 10)
    }
    unranked = [iso3 for iso3, (now, before) in ranks.items() if now is None and before is None]
    assert comparison["unranked_in_both"] == len(unranked) > 0

    page = signed_in().get(f"/rankings/compare/?first={later.pk}&second={earlier.pk}").content.decode()
    summary = page[page.index('id="comparison-summary"') : page.index("</p>", page.index('id="comparison-summary"'))]
    assert f"{len(comparison['entered_top'])} entered the top 10" in summary
    assert f"{comparison['moved']} of the {comparison['common']} countries ranked in both moved" in summary
    names = dict(Country.objects.filter(iso3__in=unranked).values_list("iso3", "name"))
    assert not any(f">{name}</a>" in page for name in names.values())
    assert f"{len(unranked)} countries ranked in neither run are not listed" in page
    # The biggest mover comes first in the movers' table.
    movers = page[page.index('id="movers"') :]
    first_row = movers[movers.index("<tbody>") :]
    assert comparison["movers"][0]["name"] in first_row[: first_row.index("</tr>")]


@pytest.mark.django_db
def test_two_identical_runs_compare_in_one_line(published):
    again = computed_run(publish=False, seed_value=1)
    page = signed_in().get(f"/rankings/compare/?first={again.pk}&second={published.pk}").content.decode()
    assert f"Run {again.pk} ranks every country as run {published.pk} does." in page
    assert 'id="movers"' not in page
