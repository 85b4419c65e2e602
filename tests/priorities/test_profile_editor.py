"""The profile page edits every setting: per-source weights, criterion directions, context indicators (their own
table) and the countries staff leave out with a reason — each refused by field when wrong, and each change a new
version that older runs do not see."""

from html.parser import HTMLParser

import pytest

from priorities.criteria import candidate_pool
from priorities.models import RankingRun, WeightProfile
from priorities.profiles import profile_criteria
from priorities.selectors import policy_source_codes
from priorities.services import default_profile
from tests.priorities.test_api import computed_run, seed
from tests.priorities.test_pages import profile_post, rows_post, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    seed()
    return signed_in(client, "jpo-staff")


class FormValues(HTMLParser):
    """What a browser would submit from the page's profile form: every named input, selected option and text area
    (ticked boxes only), except those inside a <template>."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.in_form = self.in_template = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "profile-form":
            self.in_form = True
        if tag == "template":
            self.in_template = True
        if not self.in_form or self.in_template or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.values.append((name, attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.values.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = name
            self.values.append((name, ""))

    def handle_data(self, data) -> None:
        if self.textarea:
            self.values[-1] = (self.textarea, self.values[-1][1] + data)

    def handle_endtag(self, tag) -> None:
        if tag == "template":
            self.in_template = False
        elif tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def page_form(client, profile) -> dict[str, list[str]]:
    parser = FormValues()
    parser.feed(client.get(f"/profiles/{profile.slug}/").content.decode())
    posted: dict[str, list[str]] = {}
    for name, value in parser.values:
        posted.setdefault(name, []).append(value.removeprefix("\n"))
    return posted


def test_the_page_posted_back_unchanged_saves_the_settings_it_showed(client, staff):
    profile = default_profile()
    before = profile.config
    posted = page_form(client, profile)
    assert "context-4-indicator" in posted and "excluded-0-country" in posted  # the blank rows are posted too
    response = client.post(f"/profiles/{profile.slug}/what-if/", posted, HTTP_HX_REQUEST="true")
    assert response.context["error"] is None
    assert client.post(f"/profiles/{profile.slug}/", {**posted, "save": ""}).status_code == 302
    profile.refresh_from_db()
    assert profile.config == before and profile.version == 2


def edit(client, profile, **changes):
    return client.post(f"/profiles/{profile.slug}/", profile_post(name=profile.name, slug=profile.slug, **changes))


def test_staff_weigh_one_policy_source_double_and_turn_a_criterion_into_a_cost(client, staff):
    profile = default_profile()
    context_directions = profile.config.criterion_directions
    sources = policy_source_codes()
    first, second = sources[0], sources[1]
    page = client.get(f"/profiles/{profile.slug}/").content.decode()
    assert f'name="source_weight__{first}"' in page and 'name="direction__field__readiness"' in page
    response = edit(client, profile, **{f"source_weight__{first}": "2", "direction__field__readiness": "cost"})
    assert response.status_code == 302
    profile.refresh_from_db()
    config = profile.config
    assert config.source_weights == {first: 2.0}
    # The context indicators' directions, set in their rows, stay as they were.
    assert config.criterion_directions == {**context_directions, "field.readiness": "cost"}
    criteria = {criterion.code: criterion for criterion in profile_criteria(config, sources)}
    assert criteria[f"policy.{first}"].weight == pytest.approx(2 * criteria[f"policy.{second}"].weight)
    assert criteria["field.readiness"].direction == "cost"
    assert criteria["field.need"].direction == "benefit"


def test_all_policy_sources_at_zero_while_policy_weighs_is_refused_on_the_source_inputs(client, staff):
    profile = default_profile()
    zeros = {f"source_weight__{code}": "0" for code in policy_source_codes()}
    response = edit(client, profile, **zeros)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "at least one policy source" in errors[f"source_weight__{policy_source_codes()[0]}"][0]
    negative = edit(client, profile, **{f"source_weight__{policy_source_codes()[0]}": "-1"})
    assert f"source_weight__{policy_source_codes()[0]}" in negative.context["form"].errors
    assert WeightProfile.objects.get(pk=profile.pk).version == profile.version


def test_staff_exclude_a_country_with_a_reason_and_the_reason_is_its_status(client, staff):
    profile = default_profile()
    reason = "Covered by the JICA project until 2027"
    rows = rows_post("excluded", [{"country": "VNM", "reason": reason}])
    assert edit(client, profile, save="1", **rows).status_code == 302
    profile.refresh_from_db()
    assert profile.config.excluded_countries == {"VNM": reason}
    excluded = {entry["iso3"]: entry for entry in candidate_pool(profile.config).excluded}
    assert excluded["VNM"]["rule"] == "profile"
    assert excluded["VNM"]["reason"] == f"Excluded by the weight profile: {reason}"
    # The page lists the exclusion back as a row to edit or remove.
    page = client.get(f"/profiles/{profile.slug}/").content.decode()
    assert f'value="{reason}"' in page
    assert '<option value="VNM" selected>' in page
    # A run under the profile says why on the country page and in the API.
    run = computed_run(publish=True)
    assert "VNM" in {entry["iso3"] for entry in run.excluded}
    country_page = client.get("/countries/VNM/").content.decode()
    assert reason in country_page
    removed = rows_post("excluded", [{"country": "VNM", "reason": reason, "DELETE": "on"}])
    assert edit(client, profile, save="1", **removed).status_code == 302
    profile.refresh_from_db()
    assert profile.config.excluded_countries == {}


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"country": "VNM", "reason": ""}, "reason"),
        ({"country": "XXX", "reason": "No such country"}, "country"),
        ({"country": "VNM", "reason": "x" * 301}, "reason"),
    ],
)
def test_a_bad_exclusion_row_is_refused_by_field_and_changes_nothing(client, staff, row, field):
    profile = default_profile()
    before = (profile.version, profile.config)
    response = edit(client, profile, save="1", **rows_post("excluded", [row]))
    assert response.status_code == 400
    assert field in response.context["form"].exclusion_rows.forms[0].errors
    assert "Correct the rows marked" in response.content.decode()
    profile.refresh_from_db()
    assert (profile.version, profile.config) == before


def test_a_country_excluded_twice_is_refused(client, staff):
    profile = default_profile()
    twice = rows_post("excluded", [{"country": "VNM", "reason": "a"}, {"country": "VNM", "reason": "b"}])
    response = edit(client, profile, save="1", **twice)
    assert response.status_code == 400
    assert "Each country can be excluded once" in response.content.decode()


def test_an_edit_is_a_new_version_and_older_runs_keep_theirs(client, staff):
    run = computed_run(publish=True)
    profile = default_profile()
    version, directions = profile.version, profile.config.criterion_directions
    response = edit(
        client, profile, save="1", recency_half_life_days="365", **{"direction__history__continuity": "cost"}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.version == version + 1
    assert profile.config.recency_half_life_days == 365
    run = RankingRun.objects.get(pk=run.pk)
    assert run.profile_version == version
    assert run.profile_settings["recency_half_life_days"] == 730
    assert run.profile_settings["criterion_directions"] == directions
    assert profile.config.criterion_directions["history.continuity"] == "cost"


def test_what_if_applies_an_exclusion_without_saving_it(client, staff):
    computed_run(publish=True)
    profile = default_profile()
    ranked = {entry["iso3"] for entry in candidate_pool(profile.config).countries}
    iso3 = sorted(ranked)[0]
    before = (RankingRun.objects.count(), WeightProfile.objects.get(pk=profile.pk).settings)
    response = client.post(
        f"/profiles/{profile.slug}/what-if/",
        profile_post(name=profile.name, slug=profile.slug) | rows_post("excluded", [{"country": iso3, "reason": "x"}]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert iso3 not in {row["iso3"] for row in response.context["rows"]}
    assert (RankingRun.objects.count(), WeightProfile.objects.get(pk=profile.pk).settings) == before
