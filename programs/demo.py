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
# Where an IP office's cooperation usually concentrates — ASEAN, South Asia, Africa, Latin America: countries
# there are drawn more often, and their reports, needs and programs come more often too.
SUBREGION_FOCUS = {
    "South-eastern Asia": 5.0,
    "Southern Asia": 4.0,
    "Sub-Saharan Africa": 2.0,
    "Northern Africa": 1.5,
    "Latin America and the Caribbean": 2.0,
}
OTHER_FOCUS = 0.4
# Large partners with long-standing JPO cooperation: in every demo with room for them, with twice the evidence.
CORE_PARTNERS = ("IDN", "VNM", "IND", "THA", "PHL", "MYS", "KHM", "LAO", "MMR", "BGD", "BRA", "KEN")
# How long a country takes from one rung of the independence ladder to the next, in days.
FIRST_PROGRAM_AGO = (2200, 4000)
RUNG_TO_RUNG = {Stage.WIDER_STAKEHOLDERS: (900, 1800), Stage.SOUTH_SOUTH: (700, 1400)}
# The maturity a country needs before it climbs to a rung.
RUNG_MATURITY = {Stage.WIDER_STAKEHOLDERS: 0.45, Stage.SOUTH_SOUTH: 0.7}
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
    """The hidden truth the synthetic evidence is drawn around: how mature the IP system is, what each area needs,
    how much of the evidence is about it, and when it reached each rung of the ladder."""

    country: Country
    maturity: float
    need_by_area: dict[int, float] = field(default_factory=dict)
    focus: float = 1.0
    rungs: dict[Stage, date] = field(default_factory=dict)


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


def _focus(country: Country) -> float:
    return SUBREGION_FOCUS.get(country.subregion, OTHER_FOCUS) * (2.0 if country.iso3 in CORE_PARTNERS else 1.0)


def _pick_countries(rng: random.Random, count: int) -> list[Country]:
    """The core partners, then others from the real candidate pool (ODA recipients, high-income ones aside),
    drawn by focus."""
    candidates = list(Country.objects.oda_eligible().exclude(region="").exclude(income_group="H").order_by("iso3"))
    if count > len(candidates):
        # Benchmarks ask for more countries than receive ODA: widen to every country with a region.
        candidates = list(Country.objects.exclude(region="").order_by("iso3"))
    count = min(count, len(candidates))
    chosen = [country for country in candidates if country.iso3 in CORE_PARTNERS][:count]
    pool = [country for country in candidates if country not in chosen]
    while len(chosen) < count:
        country = rng.choices(pool, weights=[_focus(country) for country in pool])[0]
        pool.remove(country)
        chosen.append(country)
    return sorted(chosen, key=lambda country: country.iso3)


def _rungs(rng: random.Random, maturity: float, as_of: date) -> dict[Stage, date]:
    """When the country reached each rung of the ladder: always the first, the next ones in order, each some years
    after the one below and only as far as its maturity carries it."""
    reached = {Stage.IP_OFFICE: as_of - timedelta(days=rng.randint(*FIRST_PROGRAM_AGO))}
    below = reached[Stage.IP_OFFICE]
    for stage in (Stage.WIDER_STAKEHOLDERS, Stage.SOUTH_SOUTH):
        when = below + timedelta(days=rng.randint(*RUNG_TO_RUNG[stage]))
        if maturity < RUNG_MATURITY[stage] or when >= as_of - timedelta(days=90):
            break
        reached[stage] = below = when
    return reached


def _profiles(
    rng: random.Random, countries: list[Country], areas: list[CooperationArea], as_of: date
) -> list[CountryProfile]:
    income_maturity = {"L": 0.15, "LM": 0.4, "UM": 0.65, "H": 0.8}
    profiles = []
    for country in countries:
        maturity = min(1.0, max(0.0, rng.gauss(income_maturity.get(country.income_group, 0.4), 0.15)))
        profile = CountryProfile(
            country=country, maturity=maturity, focus=_focus(country), rungs=_rungs(rng, maturity, as_of)
        )
        for area in areas:
            # Less mature offices need the basics (examination, automation) most; mature ones the advanced areas.
            basic = area.code in {"patent_examination", "office_automation", "legal_framework", "hrd_training"}
            centre = 4.0 - 2.0 * maturity if basic else 2.0 + 2.0 * maturity
            profile.need_by_area[area.pk] = min(5.0, max(1.0, rng.gauss(centre, 0.8)))
        profiles.append(profile)
    return profiles


def _pick_profile(rng: random.Random, profiles: list[CountryProfile]) -> CountryProfile:
    return rng.choices(profiles, weights=[profile.focus for profile in profiles])[0]


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
    profiles = _profiles(rng, countries, areas, as_of)
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


# What has become of a report by how long ago the visit ended: staff decide within weeks, so only recent reports
# are still drafts or wait for review. (Days since the visit, the statuses and their weights.)
STATUS_BY_AGE = (
    (14, (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.REVIEWED), (0.5, 0.4, 0.1)),
    (60, (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.REVIEWED), (0.3, 0.1, 0.6)),
    (None, (ReportStatus.REVIEWED, ReportStatus.RETURNED), (0.97, 0.03)),
)
# Visits are more frequent in recent years (the mean age of a report is about a year and a half).
MEAN_REPORT_AGE_DAYS = 550
OLDEST_REPORT_DAYS = 1800


def _report_status(rng: random.Random, age_days: int) -> str:
    for limit, statuses, weights in STATUS_BY_AGE:
        if limit is None or age_days <= limit:
            return rng.choices(statuses, weights=weights)[0]
    raise AssertionError("STATUS_BY_AGE ends with an open bracket")


def _seed_reports(rng, count, profiles, areas, experts, reviewer, as_of) -> list[tuple[MissionReport, CountryProfile]]:
    drawn = []
    for _ in range(count):
        profile = _pick_profile(rng, profiles)
        author = rng.choice(experts)
        kind = KIND_BY_ORGANISATION.get(author.organisation, ReportKind.JPO_MISSION)
        age = min(OLDEST_REPORT_DAYS, 1 + int(rng.expovariate(1 / MEAN_REPORT_AGE_DAYS)))
        length = 0 if kind == ReportKind.JETRO_DAILY else rng.randint(2, 10)
        visit_end = as_of - timedelta(days=age)
        visit_start = visit_end - timedelta(days=length)
        status = _report_status(rng, age)
        country = profile.country
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
            reviewed_at=min(submitted_at + REVIEWED_AFTER, datetime.combine(as_of, time(17), tzinfo=UTC))
            if decided
            else None,
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
        profile = _pick_profile(rng, profiles)
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
    # Each rung a country reached begins with a program on it, on the day it reached it; the other programs start
    # on a rung it had reached by then, and some are planned for the next rung.
    plans = [(profile, stage, when) for profile in profiles for stage, when in profile.rungs.items()][:count]
    while len(plans) < count:
        profile = _pick_profile(rng, profiles)
        reached = sorted(profile.rungs)
        following = [stage for stage in Stage if stage > reached[-1]]
        if following and rng.random() < 0.15:
            plans.append((profile, following[0], as_of + timedelta(days=rng.randint(30, 365))))
            continue
        stage = rng.choices(reached, weights=[1.0, 0.8, 0.5][: len(reached)])[0]
        earliest = profile.rungs[stage]
        plans.append((profile, stage, earliest + timedelta(days=rng.randint(0, (as_of - earliest).days + 180))))
    for profile, stage, start in plans:
        end = start + timedelta(days=rng.randint(180, 1800))
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
            # Activities fall within the program's first year, and within the program.
            last = min(program.start_date + timedelta(days=365), program.end_date or program.start_date)
            start = program.start_date + timedelta(days=rng.randint(0, (last - program.start_date).days))
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
