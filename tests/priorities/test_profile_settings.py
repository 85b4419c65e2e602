"""ProfileSettings is the one list of a profile's settings: everything else is derived from it."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError

from priorities.models import WeightProfile
from priorities.profile_forms import WeightProfileForm
from priorities.profile_settings import Group, Kind, ProfileSettings, setting
from tests.priorities.test_api import api_for, computed_run, seed
from tests.priorities.test_pages import profile_post, signed_in


@dataclasses.dataclass(frozen=True)
class WithReviewRounds(ProfileSettings):
    """The profile's settings with one more, written once, here."""

    review_rounds: int = setting(
        2,
        kind=Kind.INTEGER,
        group=Group.METHOD,
        minimum=1,
        maximum=9,
        label="review rounds",
        help_text="How many times a report is read before it counts.",
    )


@pytest.fixture
def review_rounds(monkeypatch):
    monkeypatch.setattr(WeightProfile, "settings_class", WithReviewRounds)


@pytest.mark.django_db
def test_a_setting_written_once_appears_in_the_form_the_api_the_snapshot_and_the_matrix(review_rounds, client):
    form = WeightProfileForm()
    field = form.fields["review_rounds"]
    assert (field.initial, field.min_value, field.max_value) == (2, 1, 9)
    assert field.help_text == "How many times a report is read before it counts."
    assert "review_rounds" in [bound.name for bound in form.method_fields()]

    signed_in(client, "jpo-staff")
    assert 'name="review_rounds"' in client.get("/profiles/new/").content.decode()
    refused = client.post("/profiles/new/", profile_post(review_rounds="12"))
    assert "review_rounds" in refused.context["form"].errors
    assert client.post("/profiles/new/", profile_post(review_rounds="4")).status_code == 302
    assert WeightProfile.objects.get(slug="sdgs-double").config.review_rounds == 4

    assert api_for("partner-system").get("/api/v1/profiles/sdgs-double/").json()["review_rounds"] == 4

    seed()
    run = computed_run(publish=True)
    assert run.profile_settings["review_rounds"] == 2
    matrix = api_for("partner-system").get(f"/api/v1/rankings/{run.pk}/matrix/").json()
    assert matrix["parameters"]["review_rounds"] == 2


def test_settings_round_trip_through_json():
    settings = ProfileSettings().replace(top_k_areas=5, excluded_countries={"VNM": " Covered by JICA ", "KEN": ""})
    assert ProfileSettings.from_json(settings.to_json()) == settings
    assert settings.excluded_countries == {"KEN": "", "VNM": "Covered by JICA"}


def test_exclusions_stored_as_a_plain_list_read_with_empty_reasons():
    assert ProfileSettings.from_json({"excluded_countries": ["VNM", "KEN"]}).excluded_countries == {
        "KEN": "",
        "VNM": "",
    }


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"coverage_threshold": 1.5}, "coverage_threshold", "at most 1"),
        ({"coverage_threshold": "NaN"}, "coverage_threshold", "finite"),
        ({"top_k_areas": 2.5}, "top_k_areas", "whole number"),
        ({"weight_concentration": 0}, "weight_concentration", "above 0"),
        ({"aggregation": "median"}, "aggregation", "Choose one of"),
        ({"oda_eligible_only": "yes"}, "oda_eligible_only", "true or false"),
        ({"criterion_weights": {"field.need": -1}}, "criterion_weights", "negative"),
        ({"criterion_weights": {"field.need": 1e13}}, "criterion_weights", "at most 1e+12"),
        ({"criterion_directions": {"field.need": "up"}}, "criterion_directions", "benefit"),
        ({"ahp_matrix": {"criteria": ["policy"], "judgements": {"policy": {"field.need": 12}}}}, "ahp_matrix", "1/9"),
        ({"excluded_countries": "VNM"}, "excluded_countries", "object from codes"),
        ({"excluded_countries": {"VNM": 3}}, "excluded_countries", "reason as text"),
        ({"excluded_countries": {"VNM": "x" * 301}}, "excluded_countries", "300 characters"),
        ({"sensitivity_samples": 500}, "sensitivity_samples", "power of two"),
        ({"popularity": 1}, "popularity", "Unknown setting"),
    ],
)
def test_bad_settings_are_refused_by_name(values, field, message):
    with pytest.raises(ValidationError) as refused:
        ProfileSettings.from_json(values)
    assert message in " ".join(refused.value.message_dict[field])


def test_a_snapshot_ignores_settings_since_retired_and_fills_in_new_ones():
    snapshot = {"slug": "old", "name": "Old", "version": 3, "top_k_areas": 4, "retired_setting": True}
    settings = ProfileSettings.from_snapshot(snapshot)
    assert (settings.top_k_areas, settings.coverage_threshold) == (4, ProfileSettings().coverage_threshold)
