"""Nothing is public: every page needs a login; role groups carry the intended permissions."""

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {"login", "set_language", "healthz"}
SAMPLE_ARGUMENTS = {"int": "1", "str": "x", "slug": "x", "path": "x"}


def page_paths(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
    """Every non-admin URL of the project, with sample values for its parameters."""
    paths = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("admin/", "api/")):
                continue
            paths.extend(page_paths(entry, route))
        elif isinstance(entry, URLPattern) and entry.name not in PUBLIC:
            for converter, sample in SAMPLE_ARGUMENTS.items():
                while f"<{converter}:" in route:
                    start = route.index(f"<{converter}:")
                    route = route[:start] + sample + route[route.index(">", start) + 1 :]
            paths.append((entry.name or route, "/" + route.replace("^", "").replace("$", "")))
    return paths


PAGES = page_paths(get_resolver())


def test_every_page_is_listed():
    assert ("home", "/") in PAGES


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_anonymous_user_is_sent_to_login(client, name, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_admin_needs_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_login_page_is_served(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in to HIPOC" in response.content
    assert b'name="username"' in response.content


@pytest.mark.django_db
def test_staff_sign_in_and_see_the_overview(client, staff_user):
    response = client.post(
        reverse("login"), {"username": staff_user.username, "password": "correct-horse-battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Evidence held by HIPOC" in response.content
    assert b"249" in response.content


@pytest.mark.django_db
def test_wrong_password_shows_an_error(client, staff_user):
    response = client.post(reverse("login"), {"username": staff_user.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


@pytest.mark.django_db
def test_bootstrap_is_served_by_the_app(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("home")).content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in page
    assert "cdn" not in page.lower()


def permissions_of(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


@pytest.mark.django_db
def test_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"jpo-staff", "expert", "partner-system"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "granted", "refused"),
    [
        (
            "jpo-staff",
            {
                "programs.change_cooperationprogram",
                "programs.change_missionreport",
                "priorities.change_weightprofile",
                "priorities.change_policysource",
                "programs.add_stakeholderneed",
            },
            set(),
        ),
        (
            "expert",
            {"programs.add_missionreport", "programs.add_areaassessment", "programs.add_stakeholderneed"},
            {"programs.add_cooperationprogram", "priorities.change_weightprofile", "countries.change_country"},
        ),
        (
            "partner-system",
            {"countries.view_country", "programs.view_cooperationprogram", "priorities.view_weightprofile"},
            {
                "programs.view_missionreport",
                "programs.view_areaassessment",
                "programs.view_stakeholderneed",
                "programs.add_missionreport",
            },
        ),
    ],
)
def test_role_holds_intended_permissions(role, granted, refused):
    permissions = permissions_of(role)
    assert granted <= permissions
    assert not refused & permissions


@pytest.mark.django_db
def test_partner_system_may_only_read():
    assert all(permission.split(".")[1].startswith("view_") for permission in permissions_of("partner-system"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/mission-reports/", "/api/v1/needs/", "/api/v1/schema/"])
def test_api_refuses_anonymous_requests(client, path):
    assert client.get(path).status_code == 401


@pytest.mark.django_db
def test_api_docs_send_anonymous_visitors_to_login(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_pages_switch_to_japanese(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/reports/"}, follow=True)
    page = response.content.decode()
    assert '<html lang="ja">' in page
    assert "すべての出張報告" in page
    assert ">ニーズ</a>" in page  # the navigation
    assert 'name="language" value="en" lang="en"' in page and "English</button>" in page  # the way back
    english = client.post(reverse("set_language"), {"language": "en", "next": "/reports/"}, follow=True)
    assert "All mission reports" in english.content.decode()
