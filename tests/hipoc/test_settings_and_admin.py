"""Production settings refuse to start without their secrets; every model has a usable admin."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def start_production(**environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update(DJANGO_SETTINGS_MODULE="hipoc.settings.production", **environment)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("environment", "missing"),
    [({"ALLOWED_HOSTS": "hipoc.example.org"}, "SECRET_KEY"), ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS")],
)
def test_production_settings_refuse_to_start_without_secrets(environment, missing):
    result = start_production(**environment)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_settings_start_with_them():
    result = start_production(SECRET_KEY="x" * 50, ALLOWED_HOSTS="hipoc.example.org")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(admin.site._registry), ids=[model._meta.label for model in admin.site._registry])
def test_admin_list_search_and_add_pages_answer(client, model):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    assert client.get(changelist).status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.search_fields:
        assert client.get(changelist, {"q": "Viet"}).status_code == 200
    # A log written only by the system (webhook deliveries) offers no add page.
    request = RequestFactory().get("/")
    request.user = superuser
    adds = model_admin.has_add_permission(request)
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == (200 if adds else 403)


@pytest.mark.django_db
def test_a_bad_profile_setting_in_the_admin_is_a_form_error_naming_it(client):
    """Regression: a setting out of bounds in the admin's settings JSON raised a ValueError (500)."""
    import json

    from priorities.models import WeightProfile

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    profile = WeightProfile.objects.get(is_default=True)
    settings = {**profile.settings, "coverage_threshold": 5}
    response = client.post(
        reverse("admin:priorities_weightprofile_change", args=[profile.pk]),
        {"slug": profile.slug, "name": profile.name, "version": profile.version, "settings": json.dumps(settings)},
    )
    assert response.status_code == 200
    assert "coverage_threshold: Must be at most 1." in response.context["adminform"].form.errors["settings"]
    profile.refresh_from_db()
    assert profile.settings["coverage_threshold"] != 5
