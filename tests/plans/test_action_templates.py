"""The catalogue of action templates in the pages: staff list, add, edit, download and import it from a
spreadsheet; a bad template or row is refused by field or by row, and nothing is written."""

import io
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from plans.models import ActionTemplate
from programs.models import ActivityKind, CooperationArea
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def staff(client):
    client.force_login(UserFactory(role="jpo-staff"))
    return client


def free_slot() -> tuple[CooperationArea, str]:
    """An area and activity type without a template: the demo catalogue has one for every pair, so one goes."""
    template = ActionTemplate.objects.select_related("area").order_by("code").last()
    template.delete()
    return template.area, template.kind


def template_page(area, activity, /, **changes) -> dict:
    return {
        "code": "new-action",
        "name": "Workshop on the new law",
        "name_ja": "",
        "area": str(area.pk),
        "kind": activity,
        "cost_jpy": "4000000",
        "expert_days": "8",
        "duration_days": "3",
        "effect": "1.5",
        "required_stage": "",
        "is_active": "on",
        **changes,
    }


def test_staff_read_the_catalogue_in_both_languages_and_others_may_not(client):
    page = staff(client).get("/plans/actions/").content.decode()
    templates = list(ActionTemplate.objects.all())
    assert len(templates) == CooperationArea.objects.count() * len(ActivityKind.values)
    for template in templates:
        assert escape(template.name) in page
    japanese = client.get("/plans/actions/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert escape(templates[0].name_ja) in japanese
    client.force_login(UserFactory(role="expert"))
    assert client.get("/plans/actions/").status_code == 403


def test_staff_add_and_edit_a_template_in_the_page(client):
    area, kind = free_slot()
    response = staff(client).post("/plans/actions/new/", template_page(area, kind))
    assert response.status_code == 302
    template = ActionTemplate.objects.get(code="new-action")
    assert (template.area, template.kind, template.cost_jpy, template.effect, template.required_stage) == (
        area,
        kind,
        4_000_000,
        Decimal("1.5"),
        None,
    )
    response = client.post(
        f"/plans/actions/{template.pk}/edit/",
        template_page(area, kind, cost_jpy="4500000", effect="2.25", required_stage="1"),
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.cost_jpy, template.effect, template.required_stage) == (4_500_000, Decimal("2.25"), 1)
    assert "2.25" in client.get("/plans/actions/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cost_jpy": "0"}, "cost_jpy"),
        ({"cost_jpy": "-5"}, "cost_jpy"),
        ({"duration_days": "0"}, "duration_days"),
        ({"effect": "0"}, "effect"),
        ({"effect": "-1"}, "effect"),
        ({"effect": "100.5"}, "effect"),
        ({"effect": "NaN"}, "effect"),
        ({"effect": "1.255"}, "effect"),
        ({"effect": ""}, "effect"),
        ({"kind": "banquet"}, "kind"),
        ({"required_stage": "7"}, "required_stage"),
        ({"code": "patent-examination-seminar"}, "code"),
        ({"code": "not a slug!"}, "code"),
    ],
)
def test_a_bad_template_is_refused_by_field_and_nothing_is_saved(client, changes, field):
    area, kind = free_slot()
    before = list(ActionTemplate.objects.values_list("code", "cost_jpy"))
    response = staff(client).post("/plans/actions/new/", template_page(area, kind, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert list(ActionTemplate.objects.values_list("code", "cost_jpy")) == before


def test_a_second_template_for_the_same_area_and_type_is_refused(client):
    existing = ActionTemplate.objects.first()
    response = staff(client).post("/plans/actions/new/", template_page(existing.area, existing.kind))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not ActionTemplate.objects.filter(code="new-action").exists()


def workbook(rows: list[list]) -> SimpleUploadedFile:
    headers = ["code", "name", "name_ja", "area", "kind", "cost_jpy", "expert_days", "duration_days", "effect"]
    dataset = tablib.Dataset(*rows, headers=[*headers, "required_stage", "is_active"])
    return SimpleUploadedFile("templates.xlsx", dataset.export("xlsx"), content_type=XLSX)


def test_the_downloaded_catalogue_edited_and_imported_adds_and_updates_templates(client):
    response = staff(client).get("/plans/actions/export/")
    assert response["Content-Type"] == XLSX
    rows = tablib.Dataset().load(io.BytesIO(response.content).read(), format="xlsx")
    assert rows.height == ActionTemplate.objects.count()
    area, kind = free_slot()
    first = list(rows[0])
    first[rows.headers.index("cost_jpy")] = 7_654_321
    added = ["new-action", "Workshop on the new law", "新法ワークショップ", area.code, kind, 4_000_000, 8, 3, 2.5, 1, 1]
    preview = client.post("/plans/actions/import/", {"file": workbook([first, added]), "preview": "1"})
    assert preview.status_code == 200
    assert preview.context["outcome"].totals["new"] == 1 and preview.context["outcome"].totals["update"] == 1
    assert not ActionTemplate.objects.filter(code="new-action").exists()  # a preview writes nothing
    assert client.post("/plans/actions/import/", {"confirm": "1"}).status_code == 302
    assert ActionTemplate.objects.get(code=first[0]).cost_jpy == 7_654_321
    new = ActionTemplate.objects.get(code="new-action")
    assert (new.area, new.kind, new.effect, new.required_stage, new.name_ja) == (
        area,
        kind,
        Decimal("2.5"),
        1,
        "新法ワークショップ",
    )


def test_an_import_with_a_bad_row_names_it_and_imports_nothing(client):
    area, kind = free_slot()
    good = ["new-action", "Workshop", "", area.code, kind, 4_000_000, 8, 3, 1, None, 1]
    negative = ["bad-cost", "Workshop", "", area.code, "seminar", -5, 8, 3, 1, None, 1]
    unknown = ["bad-area", "Workshop", "", "astrology", "seminar", 5, 8, 3, 1, None, 1]
    worthless = ["bad-effect", "Workshop", "", area.code, "seminar", 5, 8, 3, 0, None, 1]
    endless = ["nan-effect", "Workshop", "", area.code, "seminar", 5, 8, 3, "nan", None, 1]
    before = list(ActionTemplate.objects.values_list("code", "cost_jpy", "effect"))
    response = staff(client).post(
        "/plans/actions/import/", {"file": workbook([good, negative, unknown, worthless, endless]), "preview": "1"}
    )
    assert response.status_code == 400
    errors = response.context["outcome"].row_errors
    assert set(errors) == {2, 3, 4, 5}
    assert any("cost_jpy" in error for error in errors[2])
    assert any("effect" in error for error in errors[4]) and any("effect" in error for error in errors[5])
    assert client.post("/plans/actions/import/", {"confirm": "1"}).status_code == 302  # nothing stored to confirm
    assert list(ActionTemplate.objects.values_list("code", "cost_jpy", "effect")) == before
