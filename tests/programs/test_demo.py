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
