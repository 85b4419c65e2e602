"""Cross-site request forgery and session fixation: every state-changing web form, and every session-authenticated
API write, is refused without the CSRF token; signing in gives the browser a new session key."""

import pytest
from django.apps import apps
from django.test import Client

from priorities.services import default_profile
from tests.factories import (
    CooperationProgramFactory,
    MissionReportFactory,
    RankingRunFactory,
    StakeholderNeedFactory,
    UserFactory,
)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def world(db):
    expert = UserFactory(role="expert")
    profile = default_profile()
    return {
        "expert": expert,
        "staff": UserFactory(role="jpo-staff"),
        "report": MissionReportFactory(author=expert),
        "need": StakeholderNeedFactory(created_by=expert),
        "program": CooperationProgramFactory(),
        "run": RankingRunFactory(),
        "profile": profile,
    }


# Every web address that changes something on POST.
FORMS = {
    "recompute": lambda w: "/rankings/recompute/",
    "publish": lambda w: f"/rankings/{w['run'].pk}/publish/",
    "new profile": lambda w: "/profiles/new/",
    "edit profile": lambda w: f"/profiles/{w['profile'].slug}/",
    "new report": lambda w: "/reports/new/",
    "edit report": lambda w: f"/reports/{w['report'].pk}/edit/",
    "submit report": lambda w: f"/reports/{w['report'].pk}/submit/",
    "review report": lambda w: f"/reports/{w['report'].pk}/review/",
    "reopen report": lambda w: f"/reports/{w['report'].pk}/reopen/",
    "delete report": lambda w: f"/reports/{w['report'].pk}/delete/",
    "new program": lambda w: "/programs/new/",
    "edit program": lambda w: f"/programs/{w['program'].pk}/edit/",
    "new need": lambda w: "/needs/new/",
    "import needs": lambda w: "/needs/import/",
    "edit need": lambda w: f"/needs/{w['need'].pk}/edit/",
    "need status": lambda w: f"/needs/{w['need'].pk}/status/",
    "sign out": lambda w: "/accounts/logout/",
    "language": lambda w: "/i18n/setlang/",
}


@pytest.mark.django_db
@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("role", ["staff", "expert"])
def test_a_form_posted_without_the_token_is_refused_and_changes_nothing(world, form, role):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world[role])
    before = row_counts()
    response = browser.post(FORMS[form](world), {"status": "met", "language": "ja", "name": "Forged"})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert row_counts() == before


@pytest.mark.django_db
def test_the_same_form_with_its_token_gets_through(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["staff"])
    browser.get("/needs/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(f"/needs/{world['need'].pk}/status/", {"status": "met", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    world["need"].refresh_from_db()
    assert world["need"].status == "met"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/needs/", {"country": "IDN"}),
        ("patch", "/api/v1/needs/{need}/", {"urgency": 5}),
        ("delete", "/api/v1/mission-reports/{report}/", None),
        ("post", "/api/v1/rankings/", {}),
        ("post", "/api/v1/webhooks/", {"url": "https://8.8.8.8/hook"}),
    ],
)
def test_a_session_authenticated_api_write_without_the_token_is_refused(world, method, path, body):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["staff"])
    before = row_counts()
    url = path.format(need=world["need"].pk, report=world["report"].pk)
    response = getattr(browser, method)(url, body, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert row_counts() == before


@pytest.mark.django_db
def test_signing_in_gives_a_new_session_key(world):
    browser = Client(enforce_csrf_checks=False)
    browser.get("/accounts/login/")
    # A session planted before sign-in (e.g. by a language choice) …
    browser.post("/i18n/setlang/", {"language": "ja", "next": "/accounts/login/"})
    planted = browser.session.session_key
    assert planted
    world["staff"].set_password("correct horse battery staple")
    world["staff"].save()
    signed_in = browser.post(
        "/accounts/login/", {"username": world["staff"].username, "password": "correct horse battery staple"}
    )
    assert signed_in.status_code == 302
    # … is not the session the signed-in user gets.
    assert browser.session.session_key != planted
    assert browser.session.get("_auth_user_id") == str(world["staff"].pk)
