"""Bad input, table-driven over the API's write operations and the web forms: missing, extra and wrong-typed
fields; NaN, Inf, negative and huge numbers; unknown and lower-case ISO codes; NUL bytes; over-long text; a
10 MB body; markup in free text. Each gets a 4xx (API) or the form again with its errors (pages) — never a 5xx —
and the database is unchanged afterwards.
"""

import io
import json

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from notifications.services import webhook_endpoint_register
from priorities.services import default_profile
from programs.models import CooperationArea, MissionReport, StakeholderGroup
from programs.resources import FORMULA_REFUSED
from programs.services import mission_report_submit
from tests.factories import AreaAssessmentFactory, MissionReportFactory, StakeholderNeedFactory, UserFactory

MISSING = object()
# What each kind of field must refuse.
POISONS = {
    "text": {
        "missing": MISSING,
        "list": [],
        "object": {"a": 1},
        "boolean": True,
        "nul byte": "a\x00b",
        "over-long": "x" * 100_001,
    },
    "number": {
        "missing": MISSING,
        "list": [],
        "object": {"a": 1},
        "boolean": True,
        "nan": "NaN",
        "infinity": "Infinity",
        "negative": -1,
        "huge": 10**30,
        "word": "three",
        "fraction": 2.5,
    },
    "date": {
        "missing": MISSING,
        "list": [],
        "impossible": "2026-13-45",
        "word": "yesterday",
        "nul byte": "\x00",
        "number": 20260101,
    },
    "code": {
        "missing": MISSING,
        "list": [],
        "unknown": "no_such_code",
        "nul byte": "a\x00b",
        "over-long": "x" * 500,
        "number": 7,
    },
    "country": {
        "missing": MISSING,
        "lower-case ISO": "idn",
        "unknown ISO": "XXX",
        "alpha-2": "ID",
        "not eligible": "JPN",
        "nul byte": "I\x00N",
        "list": ["IDN"],
    },
    "rows": {
        "object": {"area": "enforcement"},
        "text": "rows",
        "bad row": [{"area": "nowhere", "need_level": 9}],
        "row of wrong types": [{"area": [], "need_level": "NaN", "readiness": {}, "commitment": None}],
    },
    "url": {
        "missing": MISSING,
        "not a URL": "not a url",
        "script URL": "javascript:alert(1)",
        "nul byte": "https://a\x00b",
        "over-long": "https://example.org/" + "x" * 600,
        "list": [],
        "ftp": "ftp://8.8.8.8/hook",
        "private address": "https://10.0.0.1/hook",
        "metadata service": "https://169.254.169.254/latest/meta-data/",
        "unspecified address": "https://0.0.0.0/hook",
        "IPv6 unique local": "https://[fc00::1]/hook",
        "IPv6-mapped link-local": "https://[::ffff:169.254.169.254]/hook",
    },
}
REPORT = {
    "kind": "jica_expert",
    "country": "IDN",
    "visit_start": "2026-09-01",
    "visit_end": "2026-09-03",
    "summary": "Met the Directorate General of IP.",
    "assessments": [{"area": "patent_examination", "need_level": 4, "readiness": 3, "commitment": 3}],
    "needs": [{"area": "enforcement", "stakeholder_group": "customs_enforcement", "description": "x", "urgency": 3}],
}
NEED = {
    "country": "KEN",
    "area": "enforcement",
    "stakeholder_group": "customs_enforcement",
    "description": "Customs asked for training.",
    "urgency": 4,
    "source": "survey",
    "raised_on": "2026-06-01",
}
RUN = {"method": "wam", "samples": 10, "seed": 1}
WEBHOOK = {"url": "https://partner.example.org/hook"}

# operation → (method, path, role, valid body, {field: kind})
REPORT_FIELDS = {
    "kind": "code",
    "country": "country",
    "visit_start": "date",
    "visit_end": "date",
    "summary": "text",
    "assessments": "rows",
    "needs": "rows",
}
NEED_FIELDS = {
    "country": "country",
    "area": "code",
    "stakeholder_group": "code",
    "description": "text",
    "urgency": "number",
    "source": "code",
    "raised_on": "date",
}
RUN_FIELDS = {"method": "code", "samples": "number", "seed": "number"}
OPERATIONS = {
    "create report": ("post", "/api/v1/mission-reports/", "expert", REPORT, REPORT_FIELDS),
    "replace report": ("put", "/api/v1/mission-reports/{report}/", "expert", REPORT, REPORT_FIELDS),
    "create need": ("post", "/api/v1/needs/", "expert", NEED, NEED_FIELDS),
    "change need": ("put", "/api/v1/needs/{need}/", "expert", NEED, NEED_FIELDS),
    "patch need": ("patch", "/api/v1/needs/{need}/", "expert", {}, NEED_FIELDS),
    "start run": (
        "post",
        "/api/v1/rankings/",
        "jpo-staff",
        RUN,
        {"method": "code", "samples": "number", "seed": "number"},
    ),
    "register webhook": ("post", "/api/v1/webhooks/", "jpo-staff", WEBHOOK, {"url": "url", "partner": "code"}),
    "replace webhook": ("put", "/api/v1/webhooks/{webhook}/", "jpo-staff", WEBHOOK, {"url": "url", "partner": "code"}),
}
# Fields an operation may go without (the API fills them in): leaving them out is not bad input.
OPTIONAL = {
    "start run": {"method", "samples", "seed"},
    "create need": {"source"},
    "change need": {"source"},
    "patch need": set(NEED_FIELDS),  # a partial update names only what changes
}


def api_cases():
    for operation, (_method, _path, _role, _body, fields) in OPERATIONS.items():
        for field, kind in fields.items():
            for poison_name, poison in POISONS[kind].items():
                if poison is MISSING and field in OPTIONAL.get(operation, set()):
                    continue
                yield pytest.param(operation, field, poison_name, poison, id=f"{operation}-{field}-{poison_name}")
        yield pytest.param(operation, "unexpected_field", "extra", "surprise", id=f"{operation}-extra-field")


API_CASES = list(api_cases())


@pytest.fixture(autouse=True)
def server_errors(request):
    """Count the requests of each case that ended in a server error (Django's got_request_exception), for the
    summary line CI prints; a case with one fails here as well."""
    from django.core.signals import got_request_exception

    seen: list[str] = []

    def record(sender, request=None, **kwargs) -> None:
        seen.append(getattr(request, "path", "?"))

    got_request_exception.connect(record, weak=False, dispatch_uid="bad-input-server-errors")
    try:
        yield seen
    finally:
        got_request_exception.disconnect(dispatch_uid="bad-input-server-errors")
        request.node.user_properties.append(("server_errors", len(seen)))
    assert seen == [], f"server errors on {seen}"


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def world(db):
    expert = UserFactory(role="expert")
    partner = UserFactory(role="partner-system")
    default_profile()
    report = MissionReportFactory(author=expert)
    need = StakeholderNeedFactory(created_by=expert)
    webhook = webhook_endpoint_register(partner=partner, url="https://partner.example.org/existing")
    clients = {}
    for role, user in (("expert", expert), ("jpo-staff", UserFactory(role="jpo-staff"))):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=user)}")
        clients[role] = client
    return {"report": report, "need": need, "webhook": webhook, "partner": partner, "clients": clients}


def poisoned(body: dict, field: str, poison) -> dict:
    changed = json.loads(json.dumps(body))
    if poison is MISSING:
        changed.pop(field, None)
    else:
        changed[field] = poison
    return changed


@pytest.mark.django_db
@pytest.mark.parametrize(("operation", "field", "poison_name", "poison"), API_CASES)
def test_bad_api_input_is_a_4xx_and_changes_nothing(world, operation, field, poison_name, poison):
    method, path, role, body, _fields = OPERATIONS[operation]
    body = dict(body)
    if operation == "replace report":
        body["version"] = world["report"].version
    if operation in ("register webhook", "replace webhook"):
        body["partner"] = world["partner"].username
    url = path.format(report=world["report"].pk, need=world["need"].pk, webhook=world["webhook"].pk)
    before = row_counts()
    response = getattr(world["clients"][role], method)(url, poisoned(body, field, poison), format="json")
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    error = response.json()
    assert set(error) == {"status", "code", "detail", "errors"}
    if response.status_code == 400 and poison_name != "extra":
        assert error["errors"], error
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"kind": ', id="truncated JSON"),
        pytest.param(b"\xff\xfe not utf-8", id="not UTF-8"),
        pytest.param(b"[1, 2, 3]", id="a list, not an object"),
        pytest.param(b'{"summary": "' + b"x" * (10 * 1024 * 1024) + b'"}', id="10 MB body"),
        pytest.param(b'{"a": NaN}', id="bare NaN"),
    ],
)
def test_malformed_bodies_are_a_4xx_and_change_nothing(world, raw):
    before = row_counts()
    response = world["clients"]["expert"].generic(
        "POST", "/api/v1/mission-reports/", raw, content_type="application/json"
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:200])
    assert row_counts() == before


MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.django_db
def test_markup_in_free_text_is_stored_as_text_and_shown_escaped(client, world):
    created = world["clients"]["expert"].post(
        "/api/v1/mission-reports/",
        {**REPORT, "summary": MARKUP, "recommendations": MARKUP},
        format="json",
    )
    assert created.status_code == 201
    report = MissionReport.objects.get(pk=created.json()["id"])
    assert report.summary == MARKUP
    client.force_login(report.author)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert MARKUP not in page
    assert "&lt;script&gt;" in page


# Web forms: the same poisons, answered by the form with its errors.

FORM_CASES = {
    "need form": (
        "/needs/new/",
        "expert",
        {"description": "x" * 5001, "urgency": "NaN", "raised_on": "2026-13-45", "country": "ken"},
    ),
    "program form": (
        "/programs/new/",
        "jpo-staff",
        {"budget_jpy": "1e400", "stage": "-1", "start_date": "\x00", "countries": "XXX", "title": "x" * 300},
    ),
    "profile form": (
        "/profiles/new/",
        "jpo-staff",
        {"weight__policy": "Infinity", "coverage_threshold": "NaN", "top_k_areas": "99999999999", "slug": "a b"},
    ),
}


def form_cases():
    for form, (_path, _role, poisons) in FORM_CASES.items():
        for field, value in poisons.items():
            yield pytest.param(form, field, value, id=f"{form}-{field}")


@pytest.mark.django_db
@pytest.mark.parametrize(("form", "field", "value"), list(form_cases()))
def test_bad_form_input_shows_the_form_again_with_its_errors(client, world, form, field, value):
    path, role, _poisons = FORM_CASES[form]
    client.force_login(UserFactory(role=role))
    before = row_counts()
    response = client.post(path, {field: value})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors
    assert row_counts() == before


# Spreadsheet imports: malformed files and formulas are refused with a message, and nothing is imported.

IMPORT_HEADER = "country,area,stakeholder_group,description,urgency,source,raised_on\n"
GOOD_ROW = "VNM,enforcement,customs_enforcement,Border training,4,survey,2026-05-01\n"


def xlsx_bytes(rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


IMPORT_CASES = {
    "wrong extension": ("needs.txt", b"hello"),
    "not an XLSX": ("needs.xlsx", b"PK\x03\x04 not really a zip"),
    "empty CSV": ("needs.csv", b""),
    "header only": ("needs.csv", IMPORT_HEADER.encode()),
    "missing columns": ("needs.csv", b"country,area\nVNM,enforcement\n"),
    "NUL bytes": ("needs.csv", (IMPORT_HEADER + "VNM\x00,enforcement\n").encode()),
    "not UTF-8": ("needs.csv", (IMPORT_HEADER + GOOD_ROW).encode() + b"\xff\xfe\xfa"),
    "over 2 MB": ("needs.csv", (IMPORT_HEADER + GOOD_ROW * 40_000).encode()),
    "CSV formula": ("needs.csv", (IMPORT_HEADER + GOOD_ROW.replace("Border training", "=HYPERLINK(1)")).encode()),
    "XLSX formula": (
        "needs.xlsx",
        xlsx_bytes(
            [
                IMPORT_HEADER.strip().split(","),
                ["VNM", "enforcement", "customs_enforcement", "=1+1", 4, "survey", "2026-05-01"],
            ]
        ),
    ),
    "lower-case ISO": ("needs.csv", (IMPORT_HEADER + GOOD_ROW.replace("VNM", "vnm")).encode()),
    "urgency NaN": ("needs.csv", (IMPORT_HEADER + GOOD_ROW.replace(",4,", ",NaN,")).encode()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(IMPORT_CASES))
def test_bad_spreadsheets_are_refused_and_import_nothing(client, world, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name, content = IMPORT_CASES[case]
    client.force_login(UserFactory(role="jpo-staff"))
    before = row_counts()
    preview = client.post("/needs/import/", {"file": SimpleUploadedFile(name, content), "preview": "1"})
    assert preview.status_code == 400, case
    confirm = client.post("/needs/import/", {"confirm": "1"})
    assert confirm.status_code < 500
    assert row_counts() == before


def test_a_formula_is_named_as_the_reason():
    assert "formulas are not accepted" in FORMULA_REFUSED


# Markup typed into any free-text field is shown as text wherever it appears.


@pytest.mark.django_db
def test_markup_in_every_free_text_field_is_escaped_wherever_shown(client, world):
    from priorities.models import WeightProfile
    from programs.models import CooperationProgram, StakeholderNeed
    from tests.factories import CooperationActivityFactory, CooperationProgramFactory
    from tests.priorities.test_api import computed_run, seed

    seed(reports=10, needs=5, countries=3)
    run = computed_run(publish=True)
    country = run.results.filter(rank__isnull=False).first().country
    need = StakeholderNeedFactory(country=country, description=MARKUP)
    program = CooperationProgramFactory(countries=[country], title=MARKUP, description=MARKUP)
    CooperationActivityFactory(program=program, country=country, title=MARKUP)
    WeightProfile.objects.filter(is_default=True).update(description=MARKUP)
    staff = UserFactory(role="jpo-staff", first_name=MARKUP)
    client.force_login(staff)
    for path in (
        f"/needs/{need.pk}/",
        "/needs/",
        f"/programs/{program.pk}/",
        "/programs/",
        f"/countries/{country.iso3}/",
        "/profiles/",
        "/",
    ):
        page = client.get(path).content.decode()
        assert MARKUP not in page, path
    assert StakeholderNeed.objects.get(pk=need.pk).description == MARKUP
    assert CooperationProgram.objects.get(pk=program.pk).title == MARKUP


# The other forms: whatever arrives, an answer below 500 and no change to the data.


def report_form(**changes) -> dict:
    from tests.programs.test_report_views import form_data

    return form_data(**changes)


OTHER_FORMS = {
    "report: impossible date": ("expert", "/reports/new/", lambda world: report_form(visit_start="2026-13-45")),
    "report: lower-case ISO": ("expert", "/reports/new/", lambda world: report_form(country="vnm")),
    "report: rating NaN": ("expert", "/reports/new/", lambda world: report_form(**{"assessments-0-need_level": "NaN"})),
    "report: over-long summary": ("expert", "/reports/new/", lambda world: report_form(summary="x" * 10_001)),
    "report: NUL in summary": ("expert", "/reports/new/", lambda world: report_form(summary="a\x00b")),
    "report: tampered formset count": (
        "expert",
        "/reports/new/",
        lambda world: report_form(**{"assessments-TOTAL_FORMS": "-5", "needs-TOTAL_FORMS": "abc"}),
    ),
    "report: huge formset count": (
        "expert",
        "/reports/new/",
        lambda world: report_form(**{"assessments-TOTAL_FORMS": "100000"}),
    ),
    "review: unknown decision": (
        "jpo-staff",
        "/reports/{submitted}/review/",
        lambda world: {"decision": "nuke", "comment": "Please add the dates."},
    ),
    "review: over-long comment": (
        "jpo-staff",
        "/reports/{submitted}/review/",
        lambda world: {"decision": "return", "comment": "x" * 5001},
    ),
    "need status: unknown": ("jpo-staff", "/needs/{need}/status/", lambda world: {"status": "exploded"}),
    "compare: not run ids": ("jpo-staff", "/rankings/compare/?first=abc&second=%00", lambda world: None),
    "sign in: NUL and huge": (
        None,
        "/accounts/login/",
        lambda world: {"username": "a\x00b", "password": "x" * 100_000},
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(OTHER_FORMS))
def test_other_forms_answer_below_500_and_change_nothing(client, world, case):
    role, path, data = OTHER_FORMS[case]
    submitted = MissionReportFactory()
    AreaAssessmentFactory(report=submitted)
    mission_report_submit(report=submitted, by=submitted.author)
    if role == "expert":
        client.force_login(world["report"].author)
    elif role:
        client.force_login(UserFactory(role=role))
    url = path.format(submitted=submitted.pk, need=world["need"].pk)
    before = row_counts()
    body = data(world)
    response = client.get(url) if body is None else client.post(url, body)
    assert response.status_code < 500, (case, response.status_code)
    assert row_counts() == before
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


# Page sizes of the list pages: 1 to 100 rows, anything else refused with the reason on the page.
LIST_PAGES = ("/reports/", "/needs/", "/programs/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIST_PAGES)
@pytest.mark.parametrize("per_page", ["-1", "0", "101", "100000", "ten", "1e3"])
def test_a_page_size_out_of_bounds_is_refused_on_the_page(client, world, path, per_page):
    client.force_login(UserFactory(role="jpo-staff"))
    before = row_counts()
    response = client.get(path, {"per_page": per_page})
    assert response.status_code == 400
    assert "Rows per page:" in response.content.decode()
    # The list still shows, at its usual size.
    assert response.context["table"].paginator.per_page == 25
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIST_PAGES)
@pytest.mark.parametrize("per_page", [1, 100])
def test_a_page_size_at_either_bound_is_taken(client, world, path, per_page):
    client.force_login(UserFactory(role="jpo-staff"))
    response = client.get(path, {"per_page": per_page})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == per_page


# Bounded work per request: each limit at its edge and one past it, nothing written past it.


def report_body(rows: int) -> dict:
    areas = list(CooperationArea.objects.values_list("code", flat=True))
    groups = list(StakeholderGroup.objects.values_list("code", flat=True))
    needs = [
        {
            "area": areas[i % len(areas)],
            "stakeholder_group": groups[i % len(groups)],
            "description": f"n{i}",
            "urgency": 3,
        }
        for i in range(rows)
    ]
    return {**REPORT, "needs": needs}


@pytest.mark.django_db
@pytest.mark.parametrize(("rows", "status"), [(30, 201), (31, 400)])
def test_a_report_carries_at_most_thirty_needs_through_the_api(world, rows, status):
    before = row_counts()
    response = world["clients"]["expert"].post("/api/v1/mission-reports/", report_body(rows), format="json")
    assert response.status_code == status
    if status == 400:
        assert "needs" in response.json()["errors"]
        assert row_counts() == before


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.django_db
@pytest.mark.parametrize(("depth", "too_deep"), [(32, False), (33, True), (50_000, True)])
def test_json_nested_too_deep_is_a_400_before_any_view_reads_it(world, depth, too_deep):
    from hipoc.parsers import MAX_JSON_DEPTH

    before = row_counts()
    body = '{"summary": ' + nested(depth - 1) + "}"
    response = world["clients"]["expert"].generic("POST", "/api/v1/mission-reports/", body, "application/json")
    assert response.status_code == 400
    assert (f"deeper than {MAX_JSON_DEPTH} levels" in response.json()["detail"]) == too_deep
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("over", [0, 1])
def test_a_body_over_the_limit_is_a_413_in_the_apis_error_shape(world, settings, over):
    before = row_counts()
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    prefix, suffix = '{"summary": "', '"}'
    body = prefix + "x" * (limit - len(prefix) - len(suffix) + over) + suffix
    response = world["clients"]["expert"].generic("POST", "/api/v1/mission-reports/", body, "application/json")
    if over:
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
    else:
        assert response.status_code == 400  # read, and refused field by field
        assert "errors" in response.json()
    assert row_counts() == before


@pytest.mark.parametrize(("rows", "refused"), [(1000, False), (1001, True)])
def test_an_import_of_more_than_a_thousand_rows_is_refused_before_parsing(rows, refused):
    from django import forms

    from programs.forms import check_import_size

    content = (IMPORT_HEADER + GOOD_ROW * rows).encode()
    if refused:
        with pytest.raises(forms.ValidationError, match="more than 1,000 rows"):
            check_import_size("csv", content)
        with pytest.raises(forms.ValidationError, match="more than 1,000 rows"):
            check_import_size(
                "xlsx", xlsx_bytes([IMPORT_HEADER.strip().split(",")] + [GOOD_ROW.strip().split(",")] * rows)
            )
    else:
        check_import_size("csv", content)


@pytest.mark.parametrize(("extra", "refused"), [(0, False), (1, True)])
def test_an_xlsx_that_unpacks_past_the_limit_is_refused_without_parsing(extra, refused):
    import zipfile

    from django import forms

    from programs.forms import IMPORT_MAX_UNPACKED_BYTES, check_import_size

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/bomb.xml", b"0" * (IMPORT_MAX_UNPACKED_BYTES + extra))
    content = buffer.getvalue()
    assert len(content) < 100_000  # small on the wire
    if refused:
        with pytest.raises(forms.ValidationError, match="unpacks to more than 20 MB"):
            check_import_size("xlsx", content)
    else:
        # Within the limit, it is then read as a workbook (which this is not).
        with pytest.raises(forms.ValidationError, match="could not be read as XLSX"):
            check_import_size("xlsx", content)


@pytest.mark.django_db
def test_a_page_upload_past_the_row_limit_imports_nothing(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(UserFactory(role="jpo-staff"))
    before = row_counts()
    content = (IMPORT_HEADER + "x\n" * 100_000).encode()
    response = client.post("/needs/import/", {"file": SimpleUploadedFile("needs.csv", content), "preview": "1"})
    assert response.status_code == 400
    assert "more than 1,000 rows" in response.content.decode()
    client.post("/needs/import/", {"confirm": "1"})
    assert row_counts() == before
