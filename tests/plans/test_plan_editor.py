"""The plan editor through the real stack: staff set a plan's pools, regional limits, rules and continuing programs
in one page, bad constraints come back as field errors with nothing saved, an edit forgets what was computed, and
"Compute" queues the plan for the workers (eager here; `tests/hipoc/test_celery.py` runs it on a real worker)."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from plans.models import Commitment, FundingPool, Plan, PlanStatus, RegionLimit
from plans.services import PLAN_TIME_LIMIT_SECONDS, plan_candidates, plan_compute, plans_fail_abandoned
from plans.tasks import fail_abandoned_plans
from programs.models import CooperationProgram
from tests.factories import UserFactory
from tests.plans.test_plans import ALL_KINDS, new_plan, run  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

ROW_SETS = ("pools", "regions", "rules", "commitments")


def staff(client):
    client.force_login(UserFactory(role="jpo-staff"))
    return client


def rows(prefix: str, found: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(found)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate(found):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def page(ranking_run, /, *, pools=None, regions=(), rules=(), commitments=None, **plan_fields) -> dict:
    data = {
        "name": "FY2027 portfolio",
        "fiscal_year": "2027",
        "run": str(ranking_run.pk),
        "total_expert_days": "300",
        "max_countries": "",
        "discount_by_evidence": "on",
        "seed": "0",
        "samples": "0",
        **plan_fields,
    }
    if pools is None:
        pools = [{"code": "jpo", "name": "JPO budget", "limit_jpy": "200000000", "kinds": ALL_KINDS}]
    data.update(rows("pools", pools))
    data.update(rows("regions", list(regions)))
    data.update(rows("rules", list(rules)))
    if commitments is not None:
        data.update(rows("commitments", list(commitments)))
    return data


def test_staff_make_a_plan_in_the_page_then_add_a_continuing_program(client, run):  # noqa: F811
    staff(client)
    assert client.get("/plans/new/").status_code == 200
    plan_probe = new_plan(run)
    _candidates, keys = plan_candidates(plan_probe)
    iso3, template_id = keys[0]
    plan_probe.delete()
    response = client.post(
        "/plans/new/",
        page(
            run,
            max_countries="5",
            pools=[
                {"code": "jpo", "name": "JPO budget", "limit_jpy": "200000000", "kinds": ALL_KINDS},
                {"code": "fit", "name": "WIPO FIT Japan", "limit_jpy": "50000000", "kinds": ["seminar"]},
            ],
            # Each table ends with the blank row the page offers, sent as a browser sends it: left out.
            regions=[
                {"region": "Asia", "minimum_jpy": "10000000", "maximum_jpy": ""},
                {"region": "", "minimum_jpy": "", "maximum_jpy": ""},
            ],
            rules=[
                {"rule": "include", "country": iso3, "template": str(template_id)},
                {"rule": "", "country": "", "template": ""},
            ],
        ),
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/edit/"
    assert (plan.name, plan.max_countries, plan.status) == ("FY2027 portfolio", 5, PlanStatus.DRAFT)
    assert plan.created_by is not None
    assert sorted(plan.pools.values_list("code", "limit_jpy")) == [("fit", 50_000_000), ("jpo", 200_000_000)]
    assert list(plan.region_limits.values_list("region", "minimum_jpy", "maximum_jpy")) == [("Asia", 10_000_000, None)]
    assert list(plan.rules.values_list("country", "template", "rule")) == [(iso3, template_id, "include")]

    # The edit page now offers the continuing programs, paid from one of the plan's pools.
    edit = client.get(f"/plans/{plan.pk}/edit/").content.decode()
    assert 'name="commitments-TOTAL_FORMS"' in edit
    program = CooperationProgram.objects.filter(status="ongoing").first()
    pools = {pool.code: pool for pool in plan.pools.all()}
    pool_rows = [
        {
            "id": str(pools["fit"].pk),
            "code": "fit",
            "name": "WIPO FIT Japan",
            "limit_jpy": "50000000",
            "kinds": ["seminar"],
        },
        {
            "id": str(pools["jpo"].pk),
            "code": "jpo",
            "name": "JPO budget",
            "limit_jpy": "200000000",
            "kinds": ALL_KINDS,
        },
    ]
    data = page(
        run,
        max_countries="5",
        commitments=[
            {"program": str(program.pk), "pool": str(pools["jpo"].pk), "amount_jpy": "20000000", "expert_days": "10"}
        ],
    )
    # The two saved pools, sent back as they are.
    data.update(rows("pools", pool_rows, initial=2))
    region = plan.region_limits.get()
    data.update(
        rows(
            "regions",
            [{"id": str(region.pk), "region": "Asia", "minimum_jpy": "10000000", "maximum_jpy": "", "DELETE": "on"}],
            initial=1,
        )
    )
    rule = plan.rules.get()
    data.update(
        rows(
            "rules", [{"id": str(rule.pk), "rule": "include", "country": iso3, "template": str(template_id)}], initial=1
        )
    )
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert list(plan.commitments.values_list("program", "pool__code", "amount_jpy")) == [
        (program.pk, "jpo", 20_000_000)
    ]
    assert not plan.region_limits.exists()  # removed with its row
    assert plan.rules.count() == 1


BAD_PAGES = [
    # (what the planner typed, the field the error is on, the row set it is in or None for the plan itself)
    ({"samples": "50"}, "samples", None),
    ({"samples": "5000"}, "samples", None),
    ({"pools": [{"code": "jpo", "name": "JPO", "limit_jpy": "-5", "kinds": ALL_KINDS}]}, "limit_jpy", "pools"),
    ({"pools": [{"code": "jpo", "name": "JPO", "limit_jpy": "5", "kinds": ["banquet"]}]}, "kinds", "pools"),
    ({"pools": [{"code": "jpo", "name": "JPO", "limit_jpy": "5", "kinds": []}]}, "kinds", "pools"),
    ({"regions": [{"region": "Asia", "minimum_jpy": "9", "maximum_jpy": "3"}]}, "maximum_jpy", "regions"),
    ({"regions": [{"region": "Atlantis", "minimum_jpy": "9", "maximum_jpy": ""}]}, "region", "regions"),
    ({"regions": [{"region": "Asia", "minimum_jpy": "", "maximum_jpy": ""}]}, "minimum_jpy", "regions"),
    ({"total_expert_days": "-1"}, "total_expert_days", None),
    ({"max_countries": "0"}, "max_countries", None),
    ({"fiscal_year": "1850"}, "fiscal_year", None),
    ({"run": "999999"}, "run", None),
]


@pytest.mark.parametrize(("change", "field", "row_set"), BAD_PAGES)
def test_bad_constraints_come_back_as_field_errors_and_save_nothing(client, run, change, field, row_set):  # noqa: F811
    staff(client)
    plan = plan_compute(plan=new_plan(run))
    before = (
        Plan.objects.count(),
        list(FundingPool.objects.values_list("pk", "limit_jpy", "kinds")),
        list(RegionLimit.objects.values()),
        plan.status,
        plan.actions.count(),
    )
    response = client.post("/plans/new/", page(run, **change))
    assert response.status_code == 400
    editor = response.context["editor"]
    if row_set is None:
        assert field in editor.form.errors
    else:
        formset = {"pools": editor.pools, "regions": editor.region_limits}[row_set]
        assert field in formset.errors[0]
        # The error stands beside its input in the page.
        assert f'id="id_{row_set}-0-{field}_error"' in response.content.decode()
    plan.refresh_from_db()
    after = (
        Plan.objects.count(),
        list(FundingPool.objects.values_list("pk", "limit_jpy", "kinds")),
        list(RegionLimit.objects.values()),
        plan.status,
        plan.actions.count(),
    )
    assert after == before


def test_a_pool_twice_or_none_at_all_is_refused(client, run):  # noqa: F811
    staff(client)
    twice = [{"code": "jpo", "name": "JPO", "limit_jpy": "5", "kinds": ALL_KINDS}] * 2
    response = client.post("/plans/new/", page(run, pools=twice))
    assert response.status_code == 400 and response.context["editor"].pools.non_form_errors()
    response = client.post("/plans/new/", page(run, pools=[]))
    assert response.status_code == 400
    assert "Give at least one funding pool." in response.context["editor"].pools.non_form_errors()
    assert not Plan.objects.exists()


def test_a_commitment_cannot_name_another_plans_pool_nor_lose_its_pool(client, run):  # noqa: F811
    staff(client)
    plan, other = new_plan(run), new_plan(run)
    jpo = plan.pools.get()
    program = CooperationProgram.objects.filter(status="ongoing").first()
    pool_row = {"id": str(jpo.pk), "code": "jpo", "name": "JPO budget", "limit_jpy": "300000000", "kinds": ALL_KINDS}
    data = page(run, commitments=[{"program": str(program.pk), "pool": str(other.pools.get().pk), "amount_jpy": "1"}])
    data.update(rows("pools", [pool_row], initial=1))
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    assert response.status_code == 400 and "pool" in response.context["editor"].commitments.errors[0]
    assert not Commitment.objects.exists()

    Commitment.objects.create(plan=plan, program=program, pool=jpo, amount_jpy=5)
    commitment = plan.commitments.get()
    data = page(run)
    data.update(
        rows(
            "pools",
            [{**pool_row, "DELETE": "on"}, {"code": "new", "name": "New", "limit_jpy": "9", "kinds": ALL_KINDS}],
            initial=1,
        )
    )
    data.update(
        rows(
            "commitments",
            [
                {
                    "id": str(commitment.pk),
                    "program": str(program.pk),
                    "pool": str(jpo.pk),
                    "amount_jpy": "5",
                    "expert_days": "0",
                }
            ],
            initial=1,
        )
    )
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    assert response.status_code == 400
    assert any("continuing program" in error for error in response.context["editor"].pools.non_form_errors())
    assert list(plan.pools.values_list("code", flat=True)) == ["jpo"]


def test_an_edit_forgets_what_was_computed_and_compute_queues_it_again(client, run, django_capture_on_commit_callbacks):  # noqa: F811
    staff(client)
    plan = plan_compute(plan=new_plan(run, budget=60_000_000, days=200))
    assert plan.status == PlanStatus.SUCCEEDED and plan.actions.exists()
    pool = plan.pools.get()
    data = page(run, total_expert_days="100")
    data.update(
        rows(
            "pools",
            [{"id": str(pool.pk), "code": "jpo", "name": "JPO budget", "limit_jpy": "40000000", "kinds": ALL_KINDS}],
            initial=1,
        )
    )
    data.update(rows("commitments", []))
    assert client.post(f"/plans/{plan.pk}/edit/", data).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.outcome, plan.computed_at, plan.actions.count()) == (PlanStatus.DRAFT, {}, None, 0)
    assert "This plan is a draft" in client.get(f"/plans/{plan.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/plans/{plan.pk}/compute/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.QUEUED and len(queued) == 1
    progress = client.get(f"/plans/{plan.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in progress and "<progress" in progress
    # The worker (eager here) computes it under the new constraints.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/plans/{plan.pk}/compute/")
    plan.refresh_from_db()
    assert (plan.status, plan.progress) == (PlanStatus.SUCCEEDED, 100)
    assert sum(plan.actions.values_list("cost_jpy", flat=True)) <= 40_000_000
    assert sum(plan.actions.values_list("expert_days", flat=True)) <= 100
    assert "hx-get" not in client.get(f"/plans/{plan.pk}/progress/").content.decode()


def test_plans_no_worker_finished_are_given_up_and_can_be_computed_again(client, run):  # noqa: F811
    staff(client)
    long_ago = timezone.now() - timedelta(seconds=PLAN_TIME_LIMIT_SECONDS + 3600)
    killed = new_plan(run, budget=60_000_000, days=200, status=PlanStatus.RUNNING, started_at=long_ago)
    lost = new_plan(run, status=PlanStatus.QUEUED, requested_at=long_ago)
    waited_long = new_plan(run, status=PlanStatus.RUNNING, requested_at=long_ago, started_at=timezone.now())
    Plan.objects.filter(pk__in=[killed.pk, lost.pk, waited_long.pk]).update(created_at=long_ago)
    computing = new_plan(run, status=PlanStatus.RUNNING, started_at=timezone.now())
    detail = client.get(f"/plans/{killed.pk}/").content.decode()
    assert "Running" in detail and "disabled" in detail

    assert fail_abandoned_plans.delay().get() == 2
    statuses = dict(Plan.objects.values_list("pk", "status"))
    assert [statuses[plan.pk] for plan in (killed, lost, waited_long, computing)] == [
        PlanStatus.FAILED,
        PlanStatus.FAILED,
        PlanStatus.RUNNING,
        PlanStatus.RUNNING,
    ]
    assert plans_fail_abandoned() == 0
    detail = client.get(f"/plans/{killed.pk}/").content.decode()
    assert "No worker finished computing this plan in time" in detail and "disabled" not in detail
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/plans/{killed.pk}/compute/")
    killed.refresh_from_db()
    assert (killed.status, killed.error) == (PlanStatus.SUCCEEDED, "")
    assert killed.requested_at > long_ago and killed.started_at >= killed.requested_at


def test_computing_a_plan_that_cannot_be_computed_says_why_and_queues_nothing(
    client,
    run,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    staff(client)
    plan = Plan.objects.create(name="Empty", fiscal_year=2027, run=run, total_expert_days=10)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/plans/{plan.pk}/compute/", follow=True)
    assert not queued
    assert "Give at least one funding pool." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_only_staff_edit_or_compute_plans(client, run):  # noqa: F811
    plan = new_plan(run)
    client.force_login(UserFactory(role="expert"))
    for url in ("/plans/new/", f"/plans/{plan.pk}/edit/", f"/plans/{plan.pk}/progress/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/plans/{plan.pk}/compute/").status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
