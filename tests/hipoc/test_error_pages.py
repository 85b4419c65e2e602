"""Error pages a person may meet: styled, in both languages, with a way back."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client, role: str, language: str = "en"):
    client.force_login(UserFactory(role=role))
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "heading", "way_back"),
    [("en", "Page not found", "Go to the ranking"), ("ja", "ページが見つかりません", "ランキングへ")],
)
def test_a_missing_page_says_so_with_the_navigation_and_a_way_back(client, language, heading, way_back):
    response = signed_in(client, "jpo-staff", language).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert heading in page and way_back in page
    assert 'href="/indicators/"' in page  # the main navigation is there
    assert 'href="/method/"' in page


def test_a_visitor_who_is_not_signed_in_is_offered_the_sign_in():
    from django.test import Client

    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert 'href="/accounts/login/"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "You may not open this page"), ("ja", "このページを開く権限がありません")]
)
def test_a_page_outside_ones_role_says_why_with_a_way_back(client, language, heading):
    response = signed_in(client, "expert", language).get("/profiles/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert heading in page
    assert 'href="/"' in page


def test_a_server_error_page_needs_nothing_from_the_request_and_offers_a_way_back():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "The error has been logged" in page
    assert '<a class="btn btn-primary btn-sm" href="/">' in page


def test_the_api_still_answers_its_own_json_errors(client):
    response = signed_in(client, "partner-system").get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
