"""Every CSV and XLSX export writes text a spreadsheet would run as a formula as plain text."""

import csv
import io

import openpyxl
import pytest
from rest_framework.test import APIClient

from countries.models import Country
from hipoc.spreadsheets import spreadsheet_text
from tests.factories import StakeholderNeedFactory, UserFactory
from tests.priorities.test_api import computed_run, seed

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("value", ["Viet Nam", "", "a=b", -0.5, 3, None])
def test_other_cells_are_left_as_they_are(value):
    assert spreadsheet_text(value) == value


@pytest.fixture
def hostile_ranking(db):
    """A published ranking whose top six countries carry names a spreadsheet would run."""
    seed()
    run = computed_run(publish=True)
    ranked = list(run.results.filter(rank__isnull=False).order_by("rank").values_list("country_id", flat=True))
    names = dict(zip(ranked, HOSTILE, strict=False))
    for iso3, name in names.items():
        Country.objects.filter(iso3=iso3).update(name=name, name_ja=name)
    return run, names


def exported_names(rows: list[dict], names: dict[str, str]) -> dict[str, str]:
    """ISO code → country name, read from the API's columns (iso3, country) or the page export's headings."""
    codes = [row.get("iso3", row.get("ISO 3166-1 alpha-3")) for row in rows]
    return {
        iso3: row.get("country", row.get("Country")) for iso3, row in zip(codes, rows, strict=True) if iso3 in names
    }


@pytest.mark.django_db
def test_the_ranking_csv_and_xlsx_exports_escape_formulas(client, hostile_ranking):
    _run, names = hostile_ranking
    client.force_login(UserFactory(role="jpo-staff"))
    body = client.get("/rankings/export/", {"format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert exported_names(rows, names) == {iso3: "'" + name for iso3, name in names.items()}

    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/rankings/export/", {"format": "xlsx"}).content)).active
    header, *cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    rows = [dict(zip(header, row, strict=True)) for row in cells]
    # XML, which XLSX is written in, reads a carriage return as a line feed.
    assert exported_names(rows, names) == {iso3: "'" + name.replace("\r", "\n") for iso3, name in names.items()}


@pytest.mark.django_db
def test_the_apis_csv_escapes_formulas(hostile_ranking):
    run, names = hostile_ranking
    api = APIClient()
    api.force_authenticate(UserFactory(role="partner-system"))
    body = api.get(f"/api/v1/rankings/{run.pk}/", {"format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert exported_names(rows, names) == {iso3: "'" + name for iso3, name in names.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("text", HOSTILE)
def test_the_needs_export_escapes_every_formula_start(client, text):
    StakeholderNeedFactory(description=text + " examiners")
    client.force_login(UserFactory(role="jpo-staff"))
    body = client.get("/needs/export/", {"format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert [row["description"] for row in rows] == ["'" + text + " examiners"]
