"""Plans over the API with real tokens: staff read every plan, partner systems only the solved plans marked as
shared, each with its pools, chosen actions and their shares of the samples; documented in the schema."""

import pytest

from plans.services import plan_compute
from tests.plans.test_plans import new_plan, run  # noqa: F401 - a fixture
from tests.priorities.test_api import api_for

pytestmark = pytest.mark.django_db


def test_partners_read_only_shared_solved_plans_staff_read_every_one(run):  # noqa: F811
    shared = plan_compute(plan=new_plan(run, budget=60_000_000, days=200, samples=200, shared=True))
    private = plan_compute(plan=new_plan(run, budget=40_000_000, days=200))
    shared_draft = new_plan(run, shared=True)
    partner, staff = api_for("partner-system"), api_for("jpo-staff")
    listed = partner.get("/api/v1/plans/").json()
    assert [plan["id"] for plan in listed["results"]] == [shared.pk]
    assert {plan["id"] for plan in staff.get("/api/v1/plans/").json()["results"]} == {
        shared.pk,
        private.pk,
        shared_draft.pk,
    }
    assert partner.get(f"/api/v1/plans/{private.pk}/").status_code == 404
    assert partner.get(f"/api/v1/plans/{shared_draft.pk}/").status_code == 404

    body = partner.get(f"/api/v1/plans/{shared.pk}/").json()
    chosen = [action for action in body["actions"] if action["chosen"]]
    assert len(chosen) == shared.actions.filter(chosen=True).count() > 0
    assert body["value"] == pytest.approx(sum(action["value"] for action in chosen))
    assert body["pools"][0]["used_jpy"] == sum(action["cost_jpy"] for action in chosen) <= 60_000_000
    assert all(action["pool"] == "jpo" for action in chosen)
    assert body["robust"]["samples"] == 200 and body["robust"]["regret"] >= 0
    assert all(0 <= action["probability"] <= 1 for action in body["actions"])
    assert body["inputs"]["run"] == run.pk and body["inputs"]["solver"].startswith("HiGHS")


def test_experts_and_strangers_cannot_read_plans(run):  # noqa: F811
    plan_compute(plan=new_plan(run, budget=40_000_000, shared=True))
    assert api_for("expert").get("/api/v1/plans/").status_code == 403
    assert api_for(None).get("/api/v1/plans/").status_code == 401


def test_a_plan_is_read_in_a_fixed_number_of_queries(run, django_assert_max_num_queries):  # noqa: F811
    plan = plan_compute(plan=new_plan(run, budget=90_000_000, days=300, shared=True))
    partner = api_for("partner-system")
    assert plan.actions.count() > 3
    with django_assert_max_num_queries(12):
        assert partner.get(f"/api/v1/plans/{plan.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert partner.get("/api/v1/plans/").status_code == 200


def test_the_schema_documents_the_plans():
    schema = api_for("partner-system").get("/api/v1/schema/?format=json").json()
    assert {"/api/v1/plans/", "/api/v1/plans/{id}/"} <= set(schema["paths"])
    detail = schema["components"]["schemas"]["PlanDetail"]["properties"]
    assert {"actions", "pools", "robust", "gap", "inputs"} <= set(detail)
