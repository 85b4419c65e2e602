"""Context criteria: a World Bank indicator scored as read by the profile — transformed, no older than its
maximum age — and the baseline's documented set of four."""

import datetime
import math
import re

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from countries.models import IndicatorValue
from priorities.criteria import extract
from priorities.profile_settings import ProfileSettings
from priorities.profiles import profile_criteria
from priorities.scoring import Method, evaluate
from priorities.selectors import policy_source_codes
from priorities.services import default_profile
from priorities.services.profiles import ProfileIdentity, baseline_settings, weight_profile_save
from programs.models import MissionReport
from tests.priorities.test_api import AS_OF, computed_run, seed

pytestmark = pytest.mark.django_db


def raw_context(settings: ProfileSettings, code: str, as_of=AS_OF) -> dict[str, float]:
    """Each pool country's raw value of `context.<code>`, as the run's matrix holds it."""
    inputs = extract(settings, profile_criteria(settings, policy_source_codes()), as_of=as_of)
    column = [criterion.code for criterion in inputs.problem.criteria].index(f"context.{code}")
    areas = len(inputs.areas)
    values = inputs.problem.raw[::areas, column]
    return {
        country["iso3"]: value for country, value in zip(inputs.countries, values, strict=True) if not np.isnan(value)
    }


def reading(code: str, transform: str, max_age_years: int | None = None, **others) -> ProfileSettings:
    return baseline_settings().replace(
        oda_eligible_only=False,
        context_transforms={
            **baseline_settings().context_transforms,
            code: {"transform": transform, "max_age_years": max_age_years},
        },
        **others,
    )


def value(iso3: str, code: str, year: int) -> float:
    return IndicatorValue.objects.get(country_id=iso3, indicator__code=code, year=year).value


def test_japans_resident_patent_applications_per_million_people_in_2021():
    raw = raw_context(reading("IP.PAT.RESD", "per_capita", 5), "IP.PAT.RESD")
    assert raw["JPN"] == pytest.approx(222452 / 125681593 * 1e6, rel=1e-9)
    assert raw["JPN"] == pytest.approx(1769.9648, abs=1e-3)


def test_per_gdp_divides_by_gdp_per_capita_times_population_of_the_same_year():
    raw = raw_context(reading("IP.PAT.RESD", "per_gdp"), "IP.PAT.RESD")
    gdp = value("VNM", "NY.GDP.PCAP.CD", 2021) * value("VNM", "SP.POP.TOTL", 2021)
    assert raw["VNM"] == pytest.approx(1066 / gdp * 1e9, rel=1e-9)


def test_log_reads_log10_of_one_plus_the_value_and_leaves_negative_values_out():
    patents = raw_context(reading("IP.PAT.RESD", "log"), "IP.PAT.RESD")
    assert patents["JPN"] == pytest.approx(math.log10(1 + 222452), rel=1e-9)
    governance = raw_context(reading("GE.EST", "log"), "GE.EST")
    negative = IndicatorValue.objects.filter(indicator__code="GE.EST", year=2023, value__lt=0).first()
    assert negative.country_id not in governance


def test_a_value_older_than_the_maximum_age_counts_as_missing():
    as_of = datetime.date(2026, 11, 1)
    # The patent series end in 2021: five years back from 2026 reaches them, four does not.
    assert "JPN" in raw_context(reading("IP.PAT.RESD", "none", 5), "IP.PAT.RESD", as_of=as_of)
    assert raw_context(reading("IP.PAT.RESD", "none", 4), "IP.PAT.RESD", as_of=as_of) == {}
    unlimited = raw_context(reading("IP.PAT.RESD", "none", None), "IP.PAT.RESD", as_of=as_of)
    assert unlimited["JPN"] == 222452
    # Without a limit a country's only value counts however old it is.
    oldest = IndicatorValue.objects.filter(indicator__code="IP.PAT.RESD").order_by("year").first()
    if not IndicatorValue.objects.filter(
        indicator__code="IP.PAT.RESD", country_id=oldest.country_id, year__gt=oldest.year
    ).exists():
        assert unlimited[oldest.country_id] == oldest.value


def test_the_baseline_scores_four_documented_indicators_with_their_directions():
    settings = default_profile().config
    assert settings.context_indicators == ["GB.XPD.RSDV.GD.ZS", "GE.EST", "IP.PAT.RESD", "IT.NET.USER.ZS"]
    assert settings.context_transforms["IP.PAT.RESD"] == {
        "transform": "per_capita",
        "max_age_years": 5,
        "missing": "profile",
    }
    criteria = {c.code: c for c in profile_criteria(settings, policy_source_codes())}
    assert criteria["context.IP.PAT.RESD"].direction == "cost"
    assert criteria["context.GB.XPD.RSDV.GD.ZS"].direction == "cost"
    assert criteria["context.GE.EST"].direction == "benefit"
    assert criteria["context.IT.NET.USER.ZS"].direction == "benefit"
    share = sum(c.weight for code, c in criteria.items() if code.startswith("context."))
    assert share == pytest.approx(0.1 / 1.1)


@pytest.mark.parametrize(
    ("transforms", "words"),
    [
        ({"GE.EST": {"transform": "squared", "max_age_years": 5}}, "the transform is one of none, log"),
        ({"GE.EST": {"transform": "none", "max_age_years": 51}}, "max_age_years is a whole number from 0 to 50"),
        ({"GE.EST": {"transform": "none", "max_age_years": 2.5}}, "max_age_years is a whole number"),
        ({"GE.EST": {"transform": "none", "since": 2010}}, "give its transform, max_age_years and missing"),
        ({"GE.EST": "log"}, "give its transform, max_age_years and missing"),
        ({"GE.EST": {"transform": "none", "missing": "zero"}}, "missing is one of profile, none, region"),
    ],
)
def test_bad_context_options_are_refused_by_field(transforms, words):
    with pytest.raises(ValidationError) as refused:
        ProfileSettings.from_json({"context_indicators": ["GE.EST"], "context_transforms": transforms})
    assert words in " ".join(refused.value.message_dict["context_transforms"])


def test_options_for_an_indicator_the_profile_does_not_score_are_refused(staff_user):
    profile = default_profile()
    settings = profile.config.replace(context_transforms={"RL.EST": {"transform": "none", "max_age_years": 5}})
    with pytest.raises(ValidationError) as refused:
        weight_profile_save(
            identity=ProfileIdentity(name=profile.name, slug=profile.slug),
            settings=settings,
            by=staff_user,
            profile=profile,
        )
    assert "Not among the context indicators: RL.EST" in " ".join(refused.value.message_dict["context_transforms"])


def test_every_ranked_country_has_a_full_interval_when_a_context_value_is_missing():
    seed(reports=20, needs=10, countries=5)
    # A country of the pool whose patent counts stop before the indicator's five-year limit.
    lacking = MissionReport.objects.values("country").order_by("country").first()["country"]
    IndicatorValue.objects.filter(country=lacking, indicator__code="IP.PAT.RESD", year__gte=2021).delete()
    run = computed_run(publish=False)
    ranked = run.results.filter(rank__isnull=False)
    assert ranked.exists()
    missing = set(ranked.values_list("country_id", flat=True)) - set(
        IndicatorValue.objects.filter(indicator__code="IP.PAT.RESD", year__gte=2021).values_list(
            "country_id", flat=True
        )
    )
    assert missing, "the seeded pool should hold a ranked country without recent patent data"
    assert not ranked.filter(rank_p95__isnull=True).exists()
    assert not ranked.filter(rank_p05__isnull=True).exists()


def test_staff_weigh_the_profiles_context_indicators_on_its_page_and_keep_them(client, staff_user):
    from tests.priorities.test_pages import profile_post, rows_post

    client.force_login(staff_user)
    profile = default_profile()
    page = client.get(f"/profiles/{profile.slug}/").content.decode()
    assert 'name="context-TOTAL_FORMS" value="5"' in page  # the four indicators and a blank row
    assert '<option value="IP.PAT.RESD" selected>IP.PAT.RESD — Patent applications, residents</option>' in page
    rows = [
        {"indicator": "GE.EST", "weight": "0.05", "direction": "benefit", "transform": "none", "missing": "profile"},
        {
            "indicator": "NY.GDP.PCAP.CD",
            "weight": "0.1",
            "direction": "cost",
            "transform": "log",
            "max_age_years": "5",
            "missing": "region",
        },
    ]
    posted = profile_post(name=profile.name, slug=profile.slug, save="1") | rows_post("context", rows)
    assert client.post(f"/profiles/{profile.slug}/", posted).status_code == 302
    profile.refresh_from_db()
    config = profile.config
    # The rows are the profile's context indicators now: two kept, the rest gone with their weights.
    assert config.context_indicators == ["GE.EST", "NY.GDP.PCAP.CD"]
    assert config.context_transforms["NY.GDP.PCAP.CD"] == {"transform": "log", "max_age_years": 5, "missing": "region"}
    assert config.criterion_weights["context.GE.EST"] == 0.05
    assert config.criterion_weights["context.NY.GDP.PCAP.CD"] == 0.1
    assert "context.IP.PAT.RESD" not in config.criterion_weights
    assert config.criterion_directions["context.NY.GDP.PCAP.CD"] == "cost"
    assert config.criterion_directions["context.GE.EST"] == "benefit"


def test_a_context_row_with_a_bad_value_or_a_second_row_for_an_indicator_changes_nothing(client, staff_user):
    from tests.priorities.test_pages import profile_post, rows_post

    client.force_login(staff_user)
    profile = default_profile()
    before = (profile.version, profile.config)
    row = {"indicator": "GE.EST", "weight": "0.05", "direction": "benefit", "transform": "none", "missing": "none"}
    bad_age = profile_post(name=profile.name, slug=profile.slug) | rows_post("context", [row | {"max_age_years": "99"}])
    response = client.post(f"/profiles/{profile.slug}/", bad_age)
    assert response.status_code == 400
    age_input = re.search(r'<input[^>]*name="context-0-max_age_years"[^>]*>', response.content.decode())
    assert age_input and 'value="99"' in age_input[0] and "is-invalid" in age_input[0]
    twice = profile_post(name=profile.name, slug=profile.slug) | rows_post("context", [row, row])
    response = client.post(f"/profiles/{profile.slug}/", twice)
    assert response.status_code == 400
    assert "Each indicator can be scored once" in response.content.decode()
    unknown = profile_post(name=profile.name, slug=profile.slug) | rows_post("context", [row | {"indicator": "NOPE"}])
    assert client.post(f"/profiles/{profile.slug}/", unknown).status_code == 400
    profile.refresh_from_db()
    assert (profile.version, profile.config) == before


@pytest.mark.parametrize(("missing", "imputation", "filled"), [("region", "none", True), ("none", "region", False)])
def test_a_context_criterion_says_how_a_missing_value_is_treated(missing, imputation, filled):
    seed(reports=120, needs=40, countries=40)
    settings = baseline_settings().replace(
        imputation=imputation,
        context_transforms={
            **baseline_settings().context_transforms,
            "IP.PAT.RESD": {"transform": "per_capita", "max_age_years": 5, "missing": missing},
        },
    )
    inputs = extract(settings, profile_criteria(settings, policy_source_codes()), as_of=AS_OF)
    outcome = evaluate(inputs.problem, Method(samples=0, seed=1))
    codes = [criterion.code for criterion in inputs.problem.criteria]
    patents, research = codes.index("context.IP.PAT.RESD"), codes.index("context.GB.XPD.RSDV.GD.ZS")
    # Countries without a patent count since 2021 (Cambodia among them) get their region's mean, or nothing.
    khm = [country["iso3"] for country in inputs.countries].index("KHM")
    assert np.isnan(inputs.problem.raw[inputs.problem.country_of_pair == khm, patents]).all()
    lacking = np.isnan(inputs.problem.raw[:, patents])
    assert outcome.imputed[lacking, patents].any() == filled
    assert np.array_equal(outcome.imputed[lacking, patents], ~np.isnan(outcome.values[lacking, patents]))
    # The other context criteria follow the profile's imputation setting.
    lacking = np.isnan(inputs.problem.raw[:, research])
    assert outcome.imputed[lacking, research].any() == (imputation != "none")
