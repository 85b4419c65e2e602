"""`seed_demo` gives realistic, deterministic data and the demo logins, and leaves existing data alone."""

import datetime
import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from accounts.services import DEMO_LOGINS
from programs.models import AreaAssessment, CooperationActivity, CooperationProgram, MissionReport, StakeholderNeed

SMALL = ["--countries", "8", "--reports", "30", "--needs", "25", "--programs", "12", "--as-of", "2026-11-01"]


def seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_demo", *SMALL, *extra, stdout=out)
    return out.getvalue()


def data_digest() -> str:
    """A digest of the seeded content, independent of primary keys."""
    rows = [
        *MissionReport.objects.order_by("visit_start", "country", "author__username", "kind", "status").values_list(
            "country", "author__username", "kind", "visit_start", "visit_end", "status"
        ),
        *AreaAssessment.objects.order_by(
            "report__visit_start", "report__country", "area__code", "need_level", "readiness", "commitment"
        ).values_list("report__country", "report__visit_start", "area__code", "need_level", "readiness", "commitment"),
        *StakeholderNeed.objects.order_by("raised_on", "country", "area__code", "urgency", "status").values_list(
            "country", "area__code", "stakeholder_group__code", "urgency", "source", "raised_on", "status"
        ),
        *CooperationProgram.objects.order_by("start_date", "title", "budget_jpy").values_list(
            "title", "program_type", "status", "start_date", "end_date", "budget_jpy", "stage"
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.mark.django_db
def test_seed_demo_creates_every_kind_of_evidence():
    seed("--seed", "7")
    assert MissionReport.objects.count() == 30
    assert StakeholderNeed.objects.count() == 25
    assert CooperationProgram.objects.count() == 12
    assert AreaAssessment.objects.count() >= 30
    assert CooperationActivity.objects.exists()
    # Pages show an activity as "<kind>: <title>"; the title names the activity's own area.
    assert all(activity.title == activity.area.name for activity in CooperationActivity.objects.select_related("area"))
    assert MissionReport.objects.values("country").distinct().count() <= 8
    assert set(MissionReport.objects.values_list("status", flat=True)) >= {"reviewed"}
    assert not MissionReport.objects.filter(visit_start__gt=datetime.date(2026, 11, 1)).exists()
    assert StakeholderNeed.objects.filter(report__isnull=False, source="mission_report").exists()


@pytest.mark.django_db
def test_programs_areas_agree_with_their_stage_on_the_ladder():
    call_command(
        "seed_demo", "--countries", "30", "--reports", "0", "--needs", "0", "--programs", "300", stdout=StringIO()
    )
    programs = CooperationProgram.objects.prefetch_related("areas__stakeholder_group")
    stages_seen = set()
    for program in programs:
        codes = {area.code for area in program.areas.all()}
        groups = {area.stakeholder_group.code for area in program.areas.all()}
        stages_seen.add(program.stage)
        if program.stage == 1:
            assert groups == {"ip_office"} and "south_south" not in codes, program.title
        elif program.stage == 2:
            assert groups - {"ip_office"}, program.title
            assert "south_south" not in codes, program.title
        else:
            assert program.title.startswith("South-South trainer development"), program.title
    assert stages_seen == {1, 2, 3}


@pytest.mark.django_db
def test_the_demo_draws_from_the_real_candidate_pool_where_cooperation_concentrates():
    from countries.models import Country
    from programs.demo import CORE_PARTNERS, SUBREGION_FOCUS

    call_command(
        "seed_demo", "--countries", "40", "--reports", "400", "--needs", "0", "--programs", "0", stdout=StringIO()
    )
    reported = Country.objects.filter(iso3__in=MissionReport.objects.values("country"))
    # ODA recipients only, none the World Bank counts high income (the reason Guyana once ranked first).
    assert not reported.filter(oda_category=Country.OdaCategory.NOT_ELIGIBLE).exists()
    assert not reported.filter(income_group="H").exists()
    # The large partners with real JPO cooperation are all there, with evidence enough to be ranked.
    assert set(CORE_PARTNERS) <= set(reported.values_list("iso3", flat=True))
    per_country = {
        iso3: MissionReport.objects.filter(country=iso3, status="reviewed").count() for iso3 in ("IDN", "VNM", "IND")
    }
    assert min(per_country.values()) >= 10, per_country
    in_focus = MissionReport.objects.filter(country__subregion__in=SUBREGION_FOCUS).count()
    assert in_focus / MissionReport.objects.count() > 0.8


@pytest.mark.django_db
def test_the_ladder_is_climbed_in_order_and_only_recent_reports_wait():
    call_command(
        "seed_demo", "--countries", "40", "--reports", "400", "--needs", "0", "--programs", "300", stdout=StringIO()
    )
    today = datetime.date.today()
    first_on_rung: dict[str, dict[int, datetime.date]] = {}
    for program in CooperationProgram.objects.filter(status__in=["ongoing", "completed"]).prefetch_related("countries"):
        for country in program.countries.all():
            rungs = first_on_rung.setdefault(country.iso3, {})
            rungs[program.stage] = min(rungs.get(program.stage, program.start_date), program.start_date)
    assert any(3 in rungs for rungs in first_on_rung.values())
    for iso3, rungs in first_on_rung.items():
        reached = sorted(rungs)
        assert reached == list(range(1, len(reached) + 1)), (iso3, rungs)  # no rung skipped
        dates = [rungs[stage] for stage in reached]
        assert dates == sorted(dates), (iso3, rungs)  # stage 3 never before stage 2
    # Staff decide within weeks: what still waits for review, or is a draft, comes from the last two months.
    waiting = MissionReport.objects.filter(status__in=["submitted", "draft"])
    assert waiting.exists()
    assert not waiting.filter(visit_end__lt=today - datetime.timedelta(days=60)).exists()
    assert not MissionReport.objects.filter(visit_end__gt=today).exists()
    assert not CooperationActivity.objects.filter(start_date__gt=datetime.date(today.year + 3, 1, 1)).exists()


@pytest.mark.django_db
def test_same_seed_gives_the_same_data():
    seed("--seed", "7")
    first = data_digest()
    seed("--seed", "7", "--replace")
    assert data_digest() == first


@pytest.mark.django_db
def test_another_seed_gives_other_data():
    seed("--seed", "7")
    first = data_digest()
    seed("--seed", "8", "--replace")
    assert data_digest() != first


@pytest.mark.django_db
def test_seed_demo_leaves_existing_data_alone_without_replace():
    seed("--seed", "7")
    digest = data_digest()
    output = seed("--seed", "9")
    assert "left as it is" in output
    assert data_digest() == digest


@pytest.mark.django_db
def test_seed_demo_prints_a_working_login_per_role():
    output = seed()
    for login in DEMO_LOGINS:
        assert f"{login.username}:{login.password}" in output
        user = authenticate(RequestFactory().post("/accounts/login/"), username=login.username, password=login.password)
        assert user is not None
        assert user.groups.filter(name=login.role).exists()


@pytest.mark.django_db
def test_synthetic_experts_cannot_sign_in():
    seed()
    authors = {report.author for report in MissionReport.objects.select_related("author")}
    demo_usernames = {login.username for login in DEMO_LOGINS}
    assert any(not author.has_usable_password() for author in authors if author.username not in demo_usernames)


def test_make_run_ends_with_the_address_and_the_demo_logins():
    out = StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8000/", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "HIPOC is served on http://127.0.0.1:8000/"
    assert lines[-len(DEMO_LOGINS) :] == [
        f"  {login.role:<15} {login.username}:{login.password}" for login in DEMO_LOGINS
    ]
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run = makefile.split("\nrun: demo\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.strip().split("manage.py ")[1].split()[0] for line in run] == ["demo_logins", "runserver"]
