"""Importing indicator values: the World Bank's download and API layouts and a plain long table, all or nothing."""

import io
import json
import math
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import Workbook

from countries.indicator_files import MAX_FILE_BYTES, MAX_VALUES, read_indicator_file
from countries.models import Indicator, IndicatorImport, IndicatorValue
from countries.services import VALUE_BATCH, indicators_import, indicators_load_reference_data

DATA = Path(__file__).parent / "data"
DOWNLOAD = DATA / "API_IP.PAT.RESD_DS2_en_csv_v2_226.csv"
METADATA = DATA / "Metadata_Indicator_API_IP.PAT.RESD_DS2_en_csv_v2_226.csv"
COUNTRY_METADATA = DATA / "Metadata_Country_API_IP.PAT.RESD_DS2_en_csv_v2_226.csv"
API_PAGE = DATA / "worldbank_api_SP.POP.TOTL.json"
LONG_TABLE = DATA / "long_table.csv"

pytestmark = pytest.mark.django_db


def value(iso3: str, code: str, year: int) -> IndicatorValue:
    return IndicatorValue.objects.select_related("source_import").get(country_id=iso3, indicator__code=code, year=year)


def run(*paths: Path, dry_run: bool = False) -> str:
    out = io.StringIO()
    call_command("import_indicators", *map(str, paths), dry_run=dry_run, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_bytes(*files: tuple[str, bytes], commit: bool = True):
    return indicators_import([read_indicator_file(name, content) for name, content in files], commit=commit)


def snapshot() -> tuple[int, int, list]:
    return (
        IndicatorImport.objects.count(),
        Indicator.objects.count(),
        sorted(IndicatorValue.objects.values_list("country_id", "indicator_id", "year", "value", "source_import_id")),
    )


def test_the_shipped_series_are_loaded_with_their_source_vintage_and_licence():
    patents = Indicator.objects.get(code="IP.PAT.RESD")
    assert patents.name == "Patent applications, residents"
    assert patents.vintage == "2026-01-28"
    assert patents.licence.startswith("CC BY 4.0")
    assert patents.source_url == "https://data.worldbank.org/indicator/IP.PAT.RESD"
    assert patents.last_import.file_format == "shipped"
    assert Indicator.objects.get(code="RL.EST").vintage == "2024 update"
    assert value("JPN", "IP.PAT.RESD", 2021).value == 222452
    assert value("IND", "SP.POP.TOTL", 2024).value == 1450935791
    assert IndicatorValue.objects.count() == 31953
    assert not IndicatorValue.objects.filter(source_import__isnull=True).exists()


def test_loading_the_shipped_series_again_changes_and_records_nothing_in_a_few_queries(django_assert_max_num_queries):
    before = snapshot()
    with django_assert_max_num_queries(3):
        outcome = indicators_load_reference_data()
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 31953)
    assert snapshot() == before


def test_the_first_load_writes_in_batches(django_assert_max_num_queries):
    IndicatorValue.objects.all().delete()
    IndicatorImport.objects.all().delete()
    fields = [field for field in IndicatorValue._meta.concrete_fields if not field.primary_key]
    batch = min(VALUE_BATCH, connection.ops.bulk_batch_size(fields, [None] * VALUE_BATCH))
    # Reads (3), the import row, at most one write per indicator's facts (14) and the values, a statement a batch.
    with django_assert_max_num_queries(3 + 1 + 14 + 3 + math.ceil(31953 / batch)):
        outcome = indicators_load_reference_data()
    assert outcome.created == 31953
    assert IndicatorValue.objects.count() == 31953


def test_a_world_bank_download_with_its_metadata_is_imported_and_aggregates_are_skipped_and_counted():
    IndicatorValue.objects.filter(indicator__code="IP.PAT.RESD", country_id__in=["JPN", "VNM"]).delete()
    output = run(DOWNLOAD, METADATA, COUNTRY_METADATA)
    assert "passed over" in output
    assert value("JPN", "IP.PAT.RESD", 2021).value == 222452
    assert value("VNM", "IP.PAT.RESD", 2019).value == 720
    download = IndicatorImport.objects.get(file_name=DOWNLOAD.name)
    assert (download.file_format, download.created, download.skipped) == ("world_bank_csv", 6, 4)
    assert value("JPN", "IP.PAT.RESD", 2021).source_import == download
    patents = Indicator.objects.get(code="IP.PAT.RESD")
    assert patents.vintage == "2026-01-28"
    assert patents.source == "World Bank, World Development Indicators"
    assert patents.description.startswith("Patent applications are worldwide patent filings")
    assert "World Intellectual Property Organization" in patents.description
    assert patents.last_import == download


def test_world_bank_api_json_is_imported_and_null_values_and_aggregates_are_left_out():
    IndicatorValue.objects.filter(indicator__code="SP.POP.TOTL", country_id="VNM", year=2021).update(value=1)
    outcome = import_bytes((API_PAGE.name, API_PAGE.read_bytes()))
    assert not outcome.problems
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.skipped) == (0, 1, 2, 1)
    assert outcome.skipped_codes == {"WLD": 1}
    changed = value("VNM", "SP.POP.TOTL", 2021)
    assert changed.value == 98935098
    assert changed.source_import.file_format == "world_bank_json"
    # A value the file repeats unchanged keeps the import it came from.
    assert value("JPN", "SP.POP.TOTL", 2021).source_import.file_format == "shipped"
    assert Indicator.objects.get(code="SP.POP.TOTL").vintage == "2026-07-13"


def test_a_long_table_as_csv_and_as_xlsx():
    IndicatorValue.objects.filter(indicator__code="IP.PAT.RESD", country_id="JPN", year=2021).delete()
    outcome = import_bytes((LONG_TABLE.name, LONG_TABLE.read_bytes()))
    assert (outcome.created, outcome.unchanged, outcome.skipped) == (1, 1, 1)
    assert value("JPN", "IP.PAT.RESD", 2021).source_import.file_format == "long_table"

    book = Workbook()
    sheet = book.active
    sheet.append(["ISO3", "Indicator_Code", "Year", "Value", "indicator_name"])
    sheet.append(["KHM", "hipoc.demo-index", 2023, 0.25, "Demo index"])
    sheet.append(["KHM", "hipoc.demo-index", 2024, 0.5, "Demo index"])
    content = io.BytesIO()
    book.save(content)
    outcome = import_bytes(("index.xlsx", content.getvalue()))
    assert not outcome.problems
    assert outcome.new_indicators == ["hipoc.demo-index"]
    assert value("KHM", "hipoc.demo-index", 2024).value == 0.5
    assert Indicator.objects.get(code="hipoc.demo-index").name == "Demo index"


def test_a_dry_run_says_what_would_change_and_changes_nothing():
    IndicatorValue.objects.filter(indicator__code="IP.PAT.RESD", country_id="JPN", year=2021).update(value=1)
    before = snapshot()
    output = run(DOWNLOAD, dry_run=True)
    assert "IP.PAT.RESD JPN 2021: 1 → 222452" in output
    assert "Dry run: nothing was changed." in output
    assert snapshot() == before


def test_a_re_import_updates_values_and_each_value_keeps_the_import_it_came_from():
    run(DOWNLOAD)
    changed = DOWNLOAD.read_text(encoding="utf-8-sig").replace('"222452"', '"222453"')
    outcome = import_bytes(("API_IP.PAT.RESD_DS2_en_csv_v2_227.csv", changed.encode()))
    assert (outcome.updated, outcome.changes) == (1, [("IP.PAT.RESD", "JPN", 2021, 222452.0, 222453.0)])
    second = IndicatorImport.objects.get(file_name="API_IP.PAT.RESD_DS2_en_csv_v2_227.csv")
    assert value("JPN", "IP.PAT.RESD", 2021).source_import == second
    # 2020 equalled the shipped value all along: it still names the shipped data.
    assert value("JPN", "IP.PAT.RESD", 2020).source_import.file_format == "shipped"


LONG_HEADER = "iso3,indicator_code,year,value\n"


@pytest.mark.parametrize(
    ("rows", "line", "column", "words"),
    [
        ("ZZZ,IP.PAT.RESD,2021,5\n", 2, "country", "Unknown country code “ZZZ”"),
        ("JPN,IP.PAT.RESD,2021,lots\n", 2, "value", "“lots” is not a number"),
        ("JPN,IP.PAT.RESD,2021,1e13\n", 2, "value", "not a finite number within ±1e12"),
        ("JPN,IP.PAT.RESD,2021,nan\n", 2, "value", "not a finite number"),
        ("JPN,IP.PAT.RESD,1850,5\n", 2, "year", "not a year from 1950 to 2100"),
        ("JPN,IP.PAT.RESD,2021Q1,5\n", 2, "year", "not a year"),
        ("JPN,NO.SUCH.SERIES,2021,5\n", 2, "indicator", "Unknown indicator “NO.SUCH.SERIES”"),
        ("JPN,bad code!,2021,5\n", 2, "indicator", "is not an indicator code"),
        ("JPN,IP.PAT.RESD,2021,5\njpn,IP.PAT.RESD,2021,6\n", 3, "value", "the first is on line 3 of values.csv"),
    ],
)
def test_a_bad_row_is_named_by_line_and_column_and_nothing_is_imported(rows, line, column, words):
    before = snapshot()
    content = (LONG_HEADER + "VNM,IP.PAT.RESD,2021,1067\n" + rows).encode()
    outcome = import_bytes(("values.csv", content))
    assert [(p.line, p.column) for p in outcome.problems] == [(line + 1, column)]
    assert words in outcome.problems[0].message
    assert not outcome.committed
    assert snapshot() == before


def test_a_bad_row_in_one_file_stops_every_file_of_the_import(tmp_path):
    before = snapshot()
    bad = tmp_path / "bad.csv"
    bad.write_text(LONG_HEADER + "ZZZ,IP.PAT.RESD,2021,5\n")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problems: nothing was imported"):
        call_command("import_indicators", str(DOWNLOAD), str(bad), stdout=io.StringIO(), stderr=errors)
    assert "bad.csv, line 2, country: Unknown country code “ZZZ”" in errors.getvalue()
    assert snapshot() == before


def test_a_file_that_is_not_there_is_named():
    with pytest.raises(CommandError, match=r"missing\.csv: No such file or directory"):
        call_command("import_indicators", str(DATA / "missing.csv"), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("big.csv", b"x" * (MAX_FILE_BYTES + 1), "larger than 10 MB"),
        ("many.csv", (LONG_HEADER + "JPN,IP.PAT.RESD,2021,1\n" * (MAX_VALUES + 1)).encode(), "more than 100,000"),
        ("page.json", b'[{"page": 1}, [{"value": 1', "not valid JSON"),
        ("error.json", json.dumps([{"message": [{"id": "120", "value": "Invalid value"}]}]).encode(), "Invalid value"),
        ("shape.json", b'{"rows": []}', "page shape"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        ("latin1.csv", "iso3;pa\xefs\n".encode("latin-1"), "not UTF-8"),
        ("other.csv", b"name,amount\nJapan,5\n", "not an indicator file"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "could not be read as XLSX"),
        ("nul.csv", b"iso3,indicator_code,year,value\n\x00", "NUL"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(name, content, words):
    before = snapshot()
    outcome = import_bytes((name, content))
    assert outcome.problems
    assert words in outcome.problems[0].message
    assert snapshot() == before


def test_the_world_bank_preamble_without_a_header_is_refused():
    content = b'"Data Source","World Development Indicators",\n\n"Last Updated Date","2026-01-28",\n'
    outcome = import_bytes(("API_x.csv", content))
    assert "No header line" in outcome.problems[0].message


def test_an_xlsx_that_unpacks_too_far_is_refused(monkeypatch):
    monkeypatch.setattr("countries.indicator_files.MAX_UNPACKED_BYTES", 1000)
    book = Workbook()
    book.active.append(["iso3", "indicator_code", "year", "value"])
    book.active.append(["JPN", "IP.PAT.RESD", 2021, "x" * 5000])
    content = io.BytesIO()
    book.save(content)
    outcome = import_bytes(("big.xlsx", content.getvalue()))
    assert "unpacks to more than" in outcome.problems[0].message


def test_facts_a_series_cannot_keep_are_refused_before_anything_is_written():
    before = snapshot()
    long_name = "x" * 201
    content = f"iso3,indicator_code,year,value,indicator_name\nJPN,new.series,2021,5,{long_name}\n".encode()
    outcome = import_bytes(("values.csv", content))
    assert [(p.file, p.column) for p in outcome.problems] == [("values.csv", "name")]
    assert outcome.problems[0].message.startswith("new.series: Ensure this value has at most 200 characters")
    assert snapshot() == before
