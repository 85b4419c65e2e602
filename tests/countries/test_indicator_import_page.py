"""The staff page for importing indicator files: check, preview, confirm; every problem shown; all or nothing."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from countries.forms import MAX_FILES
from countries.models import IndicatorImport, IndicatorValue

DATA = Path(__file__).parent / "data"
DOWNLOAD = DATA / "API_IP.PAT.RESD_DS2_en_csv_v2_226.csv"
METADATA = DATA / "Metadata_Indicator_API_IP.PAT.RESD_DS2_en_csv_v2_226.csv"

pytestmark = pytest.mark.django_db
PAGE = reverse("indicator-import")


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")


def stored() -> list:
    return sorted(IndicatorValue.objects.values_list("country_id", "indicator__code", "year", "value"))


def test_staff_check_the_files_then_import_exactly_what_they_saw(client, staff_user):
    IndicatorValue.objects.filter(indicator__code="IP.PAT.RESD", country_id="JPN", year=2021).update(value=1)
    client.force_login(staff_user)
    preview = client.post(PAGE, {"indicator_files": [upload(DOWNLOAD), upload(METADATA)], "preview": "1"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "World Bank download (CSV)" in page and "World Bank indicator metadata (CSV)" in page
    assert re.search(r"<td>IP\.PAT\.RESD</td><td>JPN</td><td>2021</td><td[^>]*>1</td><td[^>]*>222,452</td>", page)
    assert IndicatorValue.objects.get(indicator__code="IP.PAT.RESD", country_id="JPN", year=2021).value == 1
    token = preview.context["token"]

    done = client.post(PAGE, {"confirm": "1", "token": token}, follow=True)
    assert "Imported: 0 new values, 1 changed." in done.content.decode()
    # The import heads the list of recent ones, with who made it.
    assert [(item.file_name, item.imported_by) for item in done.context["recent"][:2]] == [
        (METADATA.name, staff_user),
        (DOWNLOAD.name, staff_user),
    ]
    value = IndicatorValue.objects.get(indicator__code="IP.PAT.RESD", country_id="JPN", year=2021)
    assert value.value == 222452
    assert value.source_import.imported_by == staff_user
    # The preview's files are gone once imported: confirming twice imports nothing twice.
    again = client.post(PAGE, {"confirm": "1", "token": token}, follow=True)
    assert "the preview has expired" in again.content.decode()
    assert IndicatorImport.objects.filter(file_name=DOWNLOAD.name).count() == 1


def test_every_problem_is_listed_by_file_line_and_column_and_nothing_is_imported(client, staff_user):
    client.force_login(staff_user)
    before = stored()
    bad = SimpleUploadedFile(
        "values.csv", b"iso3,indicator_code,year,value\nZZZ,IP.PAT.RESD,2021,5\nJPN,IP.PAT.RESD,2021,many\n"
    )
    response = client.post(PAGE, {"indicator_files": [upload(DOWNLOAD), bad], "preview": "1"})
    assert response.status_code == 400
    problems = response.context["outcome"].problems
    assert [(p.file, p.line, p.column) for p in problems] == [("values.csv", 2, "country"), ("values.csv", 3, "value")]
    page = response.content.decode()
    assert "2 problems; nothing was imported." in page
    assert "Unknown country code “ZZZ”" in page
    assert not response.context["token"]
    assert stored() == before


def test_a_confirmation_without_a_preview_of_ones_own_imports_nothing(client, staff_user):
    other = type(staff_user).objects.create_user("other-staff", password="x")
    client.force_login(staff_user)
    preview = client.post(PAGE, {"indicator_files": [upload(DOWNLOAD)], "preview": "1"})
    client.force_login(other)
    other.groups.set(staff_user.groups.all())
    before = stored()
    response = client.post(PAGE, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert "the preview has expired" in response.content.decode()
    assert stored() == before


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ([], "This field is required."),
        ([SimpleUploadedFile(f"f{n}.csv", b"x") for n in range(MAX_FILES + 1)], f"at most {MAX_FILES} files"),
    ],
)
def test_the_form_refuses_no_files_or_too_many(client, staff_user, files, words):
    client.force_login(staff_user)
    response = client.post(PAGE, {"indicator_files": files, "preview": "1"})
    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors["indicator_files"])


def test_an_oversize_file_is_refused_by_the_form(client, staff_user, settings, monkeypatch):
    monkeypatch.setattr("countries.forms.MAX_FILE_BYTES", 100)
    client.force_login(staff_user)
    response = client.post(PAGE, {"indicator_files": [upload(DOWNLOAD)], "preview": "1"})
    assert response.status_code == 400
    assert "is larger than" in " ".join(response.context["form"].errors["indicator_files"])


@pytest.mark.parametrize("role", ["expert_user", "partner_user"])
def test_only_staff_import(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 403
    before = stored()
    assert client.post(PAGE, {"indicator_files": [upload(DOWNLOAD)], "preview": "1"}).status_code == 403
    assert stored() == before
