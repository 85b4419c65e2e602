"""The load `make loadtest` puts on HIPOC: staff browsing the dashboards, experts filing reports over the API,
partner systems pulling the latest ranking (mostly answered 304 from their cached copy).

Logins and tokens come from the environment that tests/load/run.py prepares.
"""

import json
import os
import random
from datetime import date, timedelta

from locust import HttpUser, between, task

COUNTRIES = json.loads(os.environ.get("LOAD_COUNTRIES", '["IDN"]'))
AREAS = ["patent_examination", "enforcement", "office_automation", "hrd_training", "sme_ip_use"]


class Staff(HttpUser):
    """JPO staff: the dashboard, filters, country and area pages."""

    weight = 8
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/accounts/login/",
            {"username": os.environ["LOAD_STAFF_USER"], "password": os.environ["LOAD_STAFF_PASSWORD"]},
            headers={"X-CSRFToken": token, "Referer": f"{self.host}/accounts/login/"},
            name="sign in",
        )

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/", name="page: dashboard")

    @task(2)
    def dashboard_by_region(self) -> None:
        self.client.get("/?region=Asia", name="page: dashboard filtered")

    @task(3)
    def country(self) -> None:
        self.client.get(f"/countries/{random.choice(COUNTRIES)}/", name="page: country")

    @task(1)
    def area(self) -> None:
        self.client.get(f"/areas/{random.choice(AREAS)}/", name="page: area")


class Partner(HttpUser):
    """A partner system polling the latest ranking, keeping the ETag it was given."""

    weight = 8
    wait_time = between(0.2, 0.6)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {os.environ['LOAD_PARTNER_TOKEN']}"
        self.etag = self.client.get("/api/v1/rankings/latest/", name="api: latest (first pull)").headers.get("ETag")

    @task(5)
    def latest_cached(self) -> None:
        with self.client.get(
            "/api/v1/rankings/latest/",
            headers={"If-None-Match": self.etag or ""},
            name="api: latest, cached (304)",
            catch_response=True,
        ) as response:
            if response.status_code == 304:
                response.success()
            elif response.status_code == 200:
                self.etag = response.headers.get("ETag")  # a new ranking was published
                response.success()

    @task(1)
    def countries(self) -> None:
        self.client.get("/api/v1/countries/?region=Africa", name="api: countries")


class Expert(HttpUser):
    """An expert filing a daily report and submitting it."""

    weight = 4
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {os.environ['LOAD_EXPERT_TOKEN']}"

    @task
    def file_and_submit(self) -> None:
        visit = date.today() - timedelta(days=random.randint(1, 60))
        area = random.choice(AREAS)
        report = {
            "kind": "jetro_daily",
            "country": random.choice(COUNTRIES),
            "visit_start": visit.isoformat(),
            "visit_end": visit.isoformat(),
            "summary": "Met the IP office and local firms.",
            "assessments": [{"area": area, "need_level": 4, "readiness": 3, "commitment": 3}],
            "needs": [
                {"area": area, "stakeholder_group": "industry_smes", "description": "Training asked.", "urgency": 3}
            ],
        }
        created = self.client.post("/api/v1/mission-reports/", json=report, name="report: create")
        if created.status_code == 201:
            self.client.post(f"/api/v1/mission-reports/{created.json()['id']}/submit/", name="report: submit")
