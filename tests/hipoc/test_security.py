"""Hardening: the deployment check, security headers, a Content-Security-Policy with nothing inline, and
sessions that end when idle."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import UserFactory
from tests.priorities.test_api import computed_run, seed

ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)


def test_the_deployment_check_passes_with_production_settings():
    # The browser tests' relaxation of Django's async check must not leak into a deployment check.
    inherited = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "hipoc.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "hipoc.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_no_page_has_inline_scripts_or_styles(client):
    seed(reports=20, needs=10, countries=5)
    run = computed_run(publish=True)
    iso3 = run.results.get(rank=1).country_id
    client.force_login(UserFactory(role="jpo-staff"))
    pages = [
        "/",
        f"/countries/{iso3}/",
        f"/countries/{iso3}/?view=brief",
        "/areas/enforcement/",
        "/rankings/",
        "/profiles/",
        "/profiles/baseline/",
        "/programs/",
        "/reports/",
        "/needs/",
        "/needs/import/",
        "/api/v1/docs/",
    ]
    for path in pages:
        page = client.get(path).content.decode()
        assert not INLINE_SCRIPT.search(page), path
        assert not INLINE_STYLE.search(page), path
    client.force_login(UserFactory(role="expert"))
    for path in ("/reports/new/", "/needs/new/"):
        response = client.get(path)
        assert response.status_code == 200
        assert not INLINE_SCRIPT.search(response.content.decode()), path
        assert not INLINE_STYLE.search(response.content.decode()), path


def test_signed_in_sessions_end_when_idle():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True


@pytest.mark.django_db
def test_a_session_left_idle_past_the_timeout_signs_the_user_out(client):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(UserFactory(role="jpo-staff"))
    assert client.get("/programs/").status_code == 200
    # Each request pushes the end of the session a full timeout ahead.
    expires = Session.objects.get().expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/programs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
