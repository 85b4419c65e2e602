"""The Method page explains the ranking to a staff reader, setting by setting, in English and Japanese."""

import pytest

from priorities.models import WeightProfile
from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["jpo-staff", "expert", "partner-system"])
def test_every_signed_in_role_reads_how_a_ranking_is_made(client, role):
    client.force_login(UserFactory(role=role))
    response = client.get("/method/")
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("From evidence to a ranking", "Evidence strength", "A country's score", "Uncertainty"):
        assert heading in page
    # Every plain setting a profile has is named and explained, with the default profile's value.
    for spec in WeightProfile.settings_class.specs():
        if spec.metadata["in_form"]:
            assert f'<code class="small">{spec.name}</code>' in page
            assert str(spec.metadata["help_text"]).split("(")[0][:40].replace("'", "&#x27;") in page
    assert "<code>field.need</code>" in page and "1–5" in page
    assert "(n × observed + s × prior) / (n + s)" in page
    samples = WeightProfile.objects.get(is_default=True).config.sensitivity_samples
    assert f"on 2 × {samples} base samples" in page and "total index" in page
    assert 'href="/method/"' in page


@pytest.mark.django_db
def test_the_method_page_needs_a_sign_in(client):
    response = client.get("/method/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_method_page_in_japanese(client):
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get("/method/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "ランキング" in page
    assert "From evidence to a ranking" not in page
