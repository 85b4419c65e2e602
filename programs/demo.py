"""A realistic, deterministic synthetic data set of cooperation and field evidence for demonstrations and benchmarks.

Each demo country gets a hidden profile (how mature its IP system is, how much each area is needed) and every
report, need and program is drawn around it, so that the ranking computed from the data has a signal to find.
The same seed and reference date always give the same rows.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from accounts import roles
from accounts.models import User
from accounts.services import DEMO_LOGINS, demo_accounts_create, user_create_without_login
from countries.models import Country

from .models import (
    ActivityKind,
    AreaAssessment,
    CooperationActivity,
    CooperationArea,
    CooperationProgram,
    ImplementingPartner,
    MissionReport,
    NeedSource,
    NeedStatus,
    ProgramStatus,
    ProgramType,
    ReportKind,
    ReportStatus,
    Stage,
    StakeholderGroup,
    StakeholderNeed,
    area_rung,
)

BATCH_SIZE = 2000
# Regions JPO cooperation has concentrated on are drawn more often.
REGION_WEIGHTS = {"Asia": 3.0, "Africa": 2.0, "Americas": 1.5, "Oceania": 1.0, "Europe": 0.5}
SYNTHETIC_EXPERTS = (
    ("jpo-expert-1", "JPO", "Aiko Tanaka"),
    ("jpo-expert-2", "JPO", "Kenji Sato"),
    ("jica-expert-1", "JICA", "Yuki Watanabe"),
    ("jica-expert-2", "JICA", "Hiroshi Ito"),
    ("jetro-officer-1", "JETRO", "Mei Nakamura"),
    ("jetro-officer-2", "JETRO", "Takeshi Kobayashi"),
)
KIND_BY_ORGANISATION = {"JPO": ReportKind.JPO_MISSION, "JICA": ReportKind.JICA_EXPERT, "JETRO": ReportKind.JETRO_DAILY}


class DemoDataPresentError(Exception):
    """The database already holds programs, reports or needs; seeding again would mix two data sets."""


@dataclass(frozen=True)
class DemoSize:
    countries: int = 40
    reports: int = 400
    needs: int = 500
    programs: int = 150


@dataclass
class CountryProfile:
    """The hidden truth the synthetic evidence is drawn around."""

    country: Country
    maturity: float
    need_by_area: dict[int, float] = field(default_factory=dict)


def _clip_rating(value: float) -> int:
    return max(1, min(5, round(value)))


def _has_evidence() -> bool:
    return CooperationProgram.objects.exists() or MissionReport.objects.exists() or StakeholderNeed.objects.exists()


def _clear_evidence() -> None:
    StakeholderNeed.objects.all().delete()
    AreaAssessment.objects.all().delete()
    MissionReport.objects.all().delete()
    CooperationActivity.objects.all().delete()
    CooperationProgram.objects.all().delete()


def _pick_countries(rng: random.Random, count: int) -> list[Country]:
    candidates = list(Country.objects.oda_eligible().exclude(region="").order_by("iso3"))
    if count > len(candidates):
        # Benchmarks ask for more countries than receive ODA: widen to every country with a region.
        candidates = list(Country.objects.exclude(region="").order_by("iso3"))
    count = min(count, len(candidates))
    chosen: list[Country] = []
    pool = candidates[:]
    while len(chosen) < count:
        weights = [REGION_WEIGHTS.get(country.region, 1.0) for country in pool]
        country = rng.choices(pool, weights=weights)[0]
        pool.remove(country)
        chosen.append(country)
    return sorted(chosen, key=lambda country: country.iso3)


def _profiles(rng: random.Random, countries: list[Country], areas: list[CooperationArea]) -> list[CountryProfile]:
    income_maturity = {"L": 0.15, "LM": 0.4, "UM": 0.65, "H": 0.8}
    profiles = []
    for country in countries:
        maturity = min(1.0, max(0.0, rng.gauss(income_maturity.get(country.income_group, 0.4), 0.15)))
        profile = CountryProfile(country=country, maturity=maturity)
        for area in areas:
            # Less mature offices need the basics (examination, automation) most; mature ones the advanced areas.
            basic = area.code in {"patent_examination", "office_automation", "legal_framework", "hrd_training"}
            centre = 4.0 - 2.0 * maturity if basic else 2.0 + 2.0 * maturity
            profile.need_by_area[area.pk] = min(5.0, max(1.0, rng.gauss(centre, 0.8)))
        profiles.append(profile)
    return profiles


def _experts() -> list[User]:
    return [
        user_create_without_login(username=username, role=roles.EXPERT, organisation=organisation, full_name=name)
        for username, organisation, name in SYNTHETIC_EXPERTS
    ]


@transaction.atomic
def demo_data_seed(*, size: DemoSize, seed: int, as_of: date, replace: bool = False) -> dict[str, int]:
    """Create demo accounts and a synthetic data set of programs, reports, assessments and needs."""
    demo_accounts_create()
    if _has_evidence():
        if not replace:
            raise DemoDataPresentError(
                "The database already holds programs, reports or needs. Use --replace to discard them and seed again."
            )
        _clear_evidence()

    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets

    demo_users = {login.role: User.objects.get(username=login.username) for login in DEMO_LOGINS}
    experts = _experts()
    experts.append(demo_users[roles.EXPERT])
    reviewer = demo_users[roles.JPO_STAFF]

    areas = list(CooperationArea.objects.select_related("stakeholder_group").order_by("position", "code"))
    groups = list(StakeholderGroup.objects.order_by("position", "code"))
    partners = {partner.code: partner for partner in ImplementingPartner.objects.all()}
    countries = _pick_countries(rng, size.countries)
    profiles = _profiles(rng, countries, areas)
    if not profiles or not areas:
        raise ValueError("Load the reference data first: python manage.py load_reference_data")

    reports = _seed_reports(rng, size.reports, profiles, areas, experts, reviewer, as_of)
    assessments = _seed_assessments(rng, reports, profiles, areas)
    needs = _seed_needs(rng, size.needs, profiles, areas, groups, reports, experts, as_of)
    programs, activities = _seed_programs(rng, size.programs, profiles, areas, groups, partners, as_of)
    return {
        "countries": len(countries),
        "mission_reports": len(reports),
        "area_assessments": assessments,
        "stakeholder_needs": needs,
        "programs": programs,
        "activities": activities,
    }


SUBMITTED_AFTER = timedelta(days=7)
REVIEWED_AFTER = timedelta(days=14)


def _seed_reports(rng, count, profiles, areas, experts, reviewer, as_of) -> list[tuple[MissionReport, CountryProfile]]:
    statuses = [ReportStatus.REVIEWED, ReportStatus.SUBMITTED, ReportStatus.DRAFT, ReportStatus.RETURNED]
    status_weights = [0.72, 0.12, 0.1, 0.06]
    drawn = []
    for _ in range(count):
        profile = rng.choice(profiles)
        author = rng.choice(experts)
        kind = KIND_BY_ORGANISATION.get(author.organisation, ReportKind.JPO_MISSION)
        visit_start = as_of - timedelta(days=rng.randint(3, 1800))
        length = 0 if kind == ReportKind.JETRO_DAILY else rng.randint(2, 10)
        status = rng.choices(statuses, weights=status_weights)[0]
        country = profile.country
        visit_end = visit_start + timedelta(days=length)
        # Experts file a week after the visit; staff decide two weeks later (a waiting report has no decision).
        submitted_at = datetime.combine(min(visit_end + SUBMITTED_AFTER, as_of), time(9), tzinfo=UTC)
        decided = status in {ReportStatus.REVIEWED, ReportStatus.RETURNED}
        report = MissionReport(
            author=author,
            kind=kind,
            country=country,
            visit_start=visit_start,
            visit_end=visit_end,
            summary=(
                f"Visit to {country.name}: met the national IP office and stakeholders to review progress "
                f"and discuss cooperation needs."
            ),
            recommendations=rng.choice(
                [
                    "Continue examiner training and follow up in six months.",
                    "Prioritise office automation before expanding training.",
                    "Engage universities on technology transfer in the next program.",
                    "Consider the partner as co-organiser of a regional seminar.",
                ]
            ),
            status=status,
            reviewer=reviewer if status in {ReportStatus.REVIEWED, ReportStatus.RETURNED} else None,
            review_comment="Please add the counterpart's commitments." if status == ReportStatus.RETURNED else "",
            submitted_at=submitted_at if status != ReportStatus.DRAFT else None,
            reviewed_at=submitted_at + REVIEWED_AFTER if decided else None,
        )
        drawn.append((report, profile))
    MissionReport.objects.bulk_create([report for report, _ in drawn], batch_size=BATCH_SIZE)
    return drawn


def _seed_assessments(rng, reports, profiles, areas) -> int:
    batch: list[AreaAssessment] = []
    total = 0
    for report, profile in reports:
        for area in rng.sample(areas, rng.randint(1, 6)):
            need = profile.need_by_area[area.pk]
            readiness = 1.5 + 3.0 * profile.maturity
            batch.append(
                AreaAssessment(
                    report=report,
                    area=area,
                    need_level=_clip_rating(rng.gauss(need, 0.7)),
                    readiness=_clip_rating(rng.gauss(readiness, 0.7)),
                    commitment=_clip_rating(rng.gauss(readiness + 0.3, 0.9)),
                    comment="",
                )
            )
        if len(batch) >= BATCH_SIZE:
            AreaAssessment.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            total += len(batch)
            batch = []
    AreaAssessment.objects.bulk_create(batch, batch_size=BATCH_SIZE)
    return total + len(batch)


def _seed_needs(rng, count, profiles, areas, groups, reports, experts, as_of) -> int:
    reports_by_country: dict[str, list[MissionReport]] = {}
    for report, _ in reports:
        reports_by_country.setdefault(report.country_id, []).append(report)
    sources = list(NeedSource)
    statuses = [NeedStatus.OPEN, NeedStatus.BEING_ADDRESSED, NeedStatus.MET, NeedStatus.WITHDRAWN]
    batch = []
    for _ in range(count):
        profile = rng.choice(profiles)
        area = rng.choice(areas)
        group = area.stakeholder_group if rng.random() < 0.7 else rng.choice(groups)
        source = rng.choices(sources, weights=[0.5, 0.25, 0.15, 0.1])[0]
        country_reports = reports_by_country.get(profile.country.iso3, [])
        report = rng.choice(country_reports) if source == NeedSource.MISSION_REPORT and country_reports else None
        if source == NeedSource.MISSION_REPORT and report is None:
            source = NeedSource.PARTNER_REQUEST
        batch.append(
            StakeholderNeed(
                country=profile.country,
                area=area,
                stakeholder_group=group,
                description=f"{group.name} asked for support with {area.name}.",
                urgency=_clip_rating(rng.gauss(profile.need_by_area[area.pk], 0.8)),
                source=source,
                raised_on=report.visit_end if report else as_of - timedelta(days=rng.randint(1, 1500)),
                status=rng.choices(statuses, weights=[0.55, 0.25, 0.15, 0.05])[0],
                report=report,
                created_by=report.author if report else rng.choice(experts),
            )
        )
    StakeholderNeed.objects.bulk_create(batch, batch_size=BATCH_SIZE)
    return len(batch)


def _program_status(start: date, end: date, as_of: date) -> str:
    if start > as_of:
        return ProgramStatus.PLANNED
    if end >= as_of:
        return ProgramStatus.ONGOING
    return ProgramStatus.COMPLETED


def _areas_by_stage(areas: list[CooperationArea]) -> dict[Stage, tuple[list, list]]:
    """For each step of the independence ladder, the areas a program on it is about, and those it may add.

    A program with the IP office works on the office's own areas; one reaching wider stakeholders is about an
    area of theirs; a South-South program is about training the partner's trainers. Drawing areas this way
    keeps a program's title (named after its first area) in step with its stage.
    """
    rung = {area.code: area_rung(area.code, area.stakeholder_group.code) for area in areas}
    south_south = [area for area in areas if rung[area.code] == Stage.SOUTH_SOUTH]
    office = [area for area in areas if rung[area.code] == Stage.IP_OFFICE]
    wider = [area for area in areas if rung[area.code] == Stage.WIDER_STAKEHOLDERS]
    return {
        Stage.IP_OFFICE: (office, office),
        Stage.WIDER_STAKEHOLDERS: (wider, office + wider),
        Stage.SOUTH_SOUTH: (south_south or office, office + wider),
    }


def _seed_programs(rng, count, profiles, areas, groups, partners, as_of) -> tuple[int, int]:
    partner_list = sorted(partners.values(), key=lambda partner: partner.code)
    program_types = list(ProgramType)
    activity_kinds = list(ActivityKind)
    areas_on_stage = _areas_by_stage(areas)
    drawn = []
    for _ in range(count):
        profile = rng.choice(profiles)
        start = as_of - timedelta(days=rng.randint(-180, 4000))
        end = start + timedelta(days=rng.randint(180, 1800))
        stage = Stage.IP_OFFICE
        if profile.maturity > 0.5 and rng.random() < profile.maturity:
            stage = Stage.WIDER_STAKEHOLDERS
        if profile.maturity > 0.75 and rng.random() < profile.maturity - 0.4:
            stage = Stage.SOUTH_SOUTH
        leading, others = areas_on_stage[stage]
        first = rng.choice(leading)
        others = [area for area in others if area != first]
        program_areas = [first, *rng.sample(others, rng.randint(0, 2))]
        program = CooperationProgram(
            title=f"{program_areas[0].name} cooperation with {profile.country.name}",
            description="Synthetic demonstration program.",
            program_type=rng.choices(program_types, weights=[0.1, 0.7, 0.2])[0],
            status=_program_status(start, end, as_of),
            start_date=start,
            end_date=end,
            budget_jpy=rng.randrange(5, 500) * 1_000_000,
            stage=stage,
        )
        drawn.append((program, profile, program_areas))
    CooperationProgram.objects.bulk_create([program for program, _, _ in drawn], batch_size=BATCH_SIZE)

    country_links, area_links, group_links, partner_links, activities = [], [], [], [], []
    through = CooperationProgram
    for program, profile, program_areas in drawn:
        country_links.append(through.countries.through(cooperationprogram=program, country=profile.country))
        for area in program_areas:
            area_links.append(through.areas.through(cooperationprogram=program, cooperationarea=area))
        for group in {area.stakeholder_group for area in program_areas}:
            group_links.append(through.stakeholder_groups.through(cooperationprogram=program, stakeholdergroup=group))
        for partner in rng.sample(partner_list, rng.randint(1, 2)):
            partner_links.append(through.partners.through(cooperationprogram=program, implementingpartner=partner))
        for _ in range(rng.randint(0, 4)):
            start = program.start_date + timedelta(days=rng.randint(0, 365))
            kind = rng.choice(activity_kinds)
            area = rng.choice(program_areas)
            activities.append(
                CooperationActivity(
                    program=program,
                    kind=kind,
                    # Pages show the kind beside the title ("Study visit: Enforcement"), so the title names the area.
                    title=area.name,
                    country=profile.country,
                    area=area,
                    start_date=start,
                    end_date=start + timedelta(days=rng.randint(0, 20)),
                    participants=rng.randint(3, 60),
                )
            )
    through.countries.through.objects.bulk_create(country_links, batch_size=BATCH_SIZE)
    through.areas.through.objects.bulk_create(area_links, batch_size=BATCH_SIZE)
    through.stakeholder_groups.through.objects.bulk_create(group_links, batch_size=BATCH_SIZE)
    through.partners.through.objects.bulk_create(partner_links, batch_size=BATCH_SIZE)
    CooperationActivity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
    return len(drawn), len(activities)
