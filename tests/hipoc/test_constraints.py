"""Every integrity rule that can live in the database is enforced there, whatever code path writes the row."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from countries.models import Country
from priorities.models import WeightProfile
from tests.factories import (
    AreaAssessmentFactory,
    CooperationActivityFactory,
    CooperationProgramFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MissionReportFactory,
    PolicyPriorityAreaFactory,
    StakeholderNeedFactory,
    WeightProfileFactory,
)

BAD_ROWS = {
    "assessment need level above 5": (AreaAssessmentFactory, {"need_level": 6}),
    "assessment need level 0": (AreaAssessmentFactory, {"need_level": 0}),
    "assessment readiness above 5": (AreaAssessmentFactory, {"readiness": 9}),
    "assessment commitment 0": (AreaAssessmentFactory, {"commitment": 0}),
    "need urgency above 5": (StakeholderNeedFactory, {"urgency": 6}),
    "need unknown status": (StakeholderNeedFactory, {"status": "forgotten"}),
    "report visit ends before it starts": (
        MissionReportFactory,
        {"visit_start": datetime.date(2026, 3, 6), "visit_end": datetime.date(2026, 3, 2)},
    ),
    "report unknown kind": (MissionReportFactory, {"kind": "diary"}),
    "report reviewed without reviewer": (MissionReportFactory, {"status": "reviewed", "reviewer": None}),
    "program ends before it starts": (
        CooperationProgramFactory,
        {"start_date": datetime.date(2026, 1, 1), "end_date": datetime.date(2025, 1, 1)},
    ),
    "program negative budget": (CooperationProgramFactory, {"budget_jpy": -1}),
    "program budget beyond a trillion yen": (CooperationProgramFactory, {"budget_jpy": 10**12 + 1}),
    "program starting in 1899": (
        CooperationProgramFactory,
        {"start_date": datetime.date(1899, 12, 31), "end_date": datetime.date(2026, 1, 1)},
    ),
    "need raised in year 26": (StakeholderNeedFactory, {"raised_on": datetime.date(26, 5, 1)}),
    "report visit in 1899": (
        MissionReportFactory,
        {"visit_start": datetime.date(1899, 3, 2), "visit_end": datetime.date(1899, 3, 6)},
    ),
    "program stage 4": (CooperationProgramFactory, {"stage": 4}),
    "program unknown type": (CooperationProgramFactory, {"program_type": "gift"}),
    "activity ends before it starts": (
        CooperationActivityFactory,
        {"start_date": datetime.date(2025, 2, 1), "end_date": datetime.date(2025, 1, 1)},
    ),
    "priority relevance above 1": (PolicyPriorityAreaFactory, {"relevance": 1.5}),
    "priority relevance negative": (PolicyPriorityAreaFactory, {"relevance": -0.1}),
    "indicator year 1800": (IndicatorValueFactory, {"year": 1800}),
    "profile coverage above 1": (WeightProfileFactory, {"coverage_threshold": 1.2}),
    "profile half-life 0": (WeightProfileFactory, {"recency_half_life_days": 0}),
    "profile top-k 0": (WeightProfileFactory, {"top_k_areas": 0}),
    "profile concentration 0": (WeightProfileFactory, {"weight_concentration": 0}),
    "profile unknown aggregation": (WeightProfileFactory, {"aggregation": "median"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("factory_class", "values"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_database_rejects_bad_row(factory_class, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory_class(**values)


@pytest.mark.django_db
def test_database_accepts_a_valid_row_of_each_kind():
    for factory_class in dict.fromkeys(factory_class for factory_class, _ in BAD_ROWS.values()):
        assert factory_class().pk is not None


@pytest.mark.django_db
def test_same_area_twice_in_one_report_is_rejected():
    assessment = AreaAssessmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaAssessmentFactory(report=assessment.report, area=assessment.area)


@pytest.mark.django_db
def test_one_indicator_value_per_country_and_year():
    indicator = IndicatorFactory()
    IndicatorValueFactory(indicator=indicator, year=2023)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValueFactory(indicator=indicator, year=2023)


@pytest.mark.django_db
def test_country_codes_must_be_upper_case():
    with pytest.raises(IntegrityError), transaction.atomic():
        Country.objects.create(iso3="xyz", iso2="XY", name="Nowhere")


@pytest.mark.django_db
def test_only_one_default_weight_profile():
    assert WeightProfile.objects.filter(is_default=True).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        WeightProfileFactory(is_default=True)
