"""factory_boy factories for every model; countries and areas come from the loaded reference data."""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from countries.models import Country, Indicator, IndicatorValue
from priorities.models import PolicyPriority, PolicyPriorityArea, RankingRun, WeightProfile
from priorities.profile_settings import ProfileSettings
from priorities.profiles import profile_snapshot
from programs.models import (
    AreaAssessment,
    CooperationActivity,
    CooperationArea,
    CooperationProgram,
    MissionReport,
    StakeholderGroup,
    StakeholderNeed,
)


def reference(model, **lookup):
    return factory.LazyFunction(lambda: model.objects.get(**lookup))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organisation = "JPO"
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: a transactional test's flush may have emptied the groups the migrations made.
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Indicator {n}")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    country = reference(Country, iso3="VNM")
    indicator = factory.SubFactory(IndicatorFactory)
    year = 2024
    value = 1.0


class CooperationProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationProgram
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Program {n}")
    program_type = "technical_cooperation"
    status = "ongoing"
    start_date = datetime.date(2024, 4, 1)
    end_date = datetime.date(2027, 3, 31)
    budget_jpy = 50_000_000
    stage = 1

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create:
            self.countries.set(extracted or [Country.objects.get(iso3="VNM")])


class CooperationActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationActivity

    program = factory.SubFactory(CooperationProgramFactory)
    kind = "training_course"
    title = "Examiner training"
    country = reference(Country, iso3="VNM")
    start_date = datetime.date(2025, 1, 10)
    end_date = datetime.date(2025, 1, 20)
    participants = 12


class MissionReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionReport

    author = factory.SubFactory(UserFactory, role="expert")
    kind = "jpo_mission"
    country = reference(Country, iso3="VNM")
    visit_start = datetime.date(2026, 3, 2)
    visit_end = datetime.date(2026, 3, 6)
    summary = "Met the IP office."


class AreaAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaAssessment

    report = factory.SubFactory(MissionReportFactory)
    area = reference(CooperationArea, code="patent_examination")
    need_level = 4
    readiness = 3
    commitment = 3


class StakeholderNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderNeed

    country = reference(Country, iso3="VNM")
    area = reference(CooperationArea, code="enforcement")
    stakeholder_group = reference(StakeholderGroup, code="customs_enforcement")
    description = "Customs asked for training on counterfeit detection."
    urgency = 4
    source = "partner_request"
    raised_on = datetime.date(2026, 5, 1)


class PolicyPriorityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyPriorityArea

    priority = reference(PolicyPriority, code="SDG-9.5")
    area = reference(CooperationArea, code="awareness_education")
    relevance = 0.5


class WeightProfileFactory(factory.django.DjangoModelFactory):
    """A profile; any setting may be given by name (`top_k_areas=5`) and is written into its settings as given,
    unchecked, so that tests can also write what the database must refuse."""

    class Meta:
        model = WeightProfile

    slug = factory.Sequence(lambda n: f"profile-{n}")
    name = factory.Sequence(lambda n: f"Profile {n}")

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        given = {name: kwargs.pop(name) for name in ProfileSettings.names() if name in kwargs}
        kwargs["settings"] = {**ProfileSettings().to_json(), **kwargs.get("settings", {}), **given}
        return kwargs


class RankingRunFactory(factory.django.DjangoModelFactory):
    """A run record without results, for tests about what happens around a run (notices, listings)."""

    class Meta:
        model = RankingRun

    profile = factory.SubFactory(WeightProfileFactory)
    profile_slug = factory.SelfAttribute("profile.slug")
    profile_version = 1
    profile_settings = factory.LazyAttribute(lambda run: profile_snapshot(run.profile))
    method = "wam"
    normalization = "minmax"
    seed = 1
    samples = 10
    as_of = factory.LazyFunction(timezone.localdate)
    status = "succeeded"
