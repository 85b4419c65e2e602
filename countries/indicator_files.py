"""Reading indicator files in the layouts public series come in.

- The World Bank's download (`API_<code>_DS2_en_csv_v2_*.csv`): four preamble lines ("Data Source", "Last Updated
  Date"), then one row per economy with one column per year. The zip it comes in also holds
  `Metadata_Indicator_*.csv` (the series' name, definition and source), which is read too, and
  `Metadata_Country_*.csv`, which is passed over: HIPOC keeps its own country classifications.
- World Bank API v2 JSON (`https://api.worldbank.org/v2/country/all/indicator/<code>?format=json`): a page of
  `[meta, rows]`, each row one economy's value in one year.
- A plain long table, CSV or XLSX, with the columns `iso3, indicator_code, year, value` (and optionally
  `indicator_name`).

A reader only reads: it returns what each row says, where it says it and what it could not read. Which country a
code names, whether a value is acceptable and what a row changes are decided by `services.indicators_import`, the
same way for every layout.
"""

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hipoc.spreadsheets import unpacks_beyond

from .models import IndicatorFileFormat

# A full World Bank download of one series is about 250 KB and the API's answer for every economy and year about
# 4 MB; HIPOC's whole shipped series is 32,000 values. Anything much larger is not an indicator file.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_VALUES = 100_000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

WORLD_BANK_PREAMBLE = "Data Source"
YEAR_COLUMN = re.compile(r"^\d{4}$")
# The World Bank's terms of use put its datasets under CC BY 4.0; every page showing a value names it.
WORLD_BANK_LICENCE = "CC BY 4.0 (World Bank Open Data)"
LONG_TABLE_COLUMNS = ("iso3", "indicator_code", "year", "value")


@dataclass(frozen=True)
class Problem:
    """Something a file says that cannot be imported, with where it says it (line 0: the file as a whole)."""

    file: str
    line: int
    column: str
    message: str


@dataclass(frozen=True)
class Cell:
    """One value as a file states it, not yet checked."""

    file: str
    line: int
    column: str
    country: str
    indicator: str
    year: str
    value: object


@dataclass(frozen=True)
class IndicatorFacts:
    """What a file says about a series itself; empty fields say nothing."""

    code: str
    name: str = ""
    unit: str = ""
    description: str = ""
    source: str = ""
    source_url: str = ""
    licence: str = ""
    vintage: str = ""
    retrieved_from: str = ""


def world_bank_facts(code: str, **facts: str) -> IndicatorFacts:
    """What a World Bank file says about a series, with the address of its page and the World Bank's licence."""
    return IndicatorFacts(
        code=code, source_url=f"https://data.worldbank.org/indicator/{code}", licence=WORLD_BANK_LICENCE, **facts
    )


@dataclass
class IndicatorFile:
    name: str
    format: str
    sha256: str
    cells: list[Cell] = field(default_factory=list)
    indicators: dict[str, IndicatorFacts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.name, line, column, message))


def read_indicator_file(name: str, content: bytes) -> IndicatorFile:
    """Read one file in whichever of the layouts it is in."""
    digest = hashlib.sha256(content).hexdigest()
    if len(content) > MAX_FILE_BYTES:
        result = IndicatorFile(name, "", digest)
        result.problem(0, "", _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)})
        return result
    if content.startswith(b"PK"):
        return _read_xlsx(name, content, digest)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result = IndicatorFile(name, "", digest)
        result.problem(0, "", _("The file is not UTF-8 text, JSON or an XLSX workbook."))
        return result
    if "\x00" in text:
        result = IndicatorFile(name, "", digest)
        result.problem(0, "", _("The file contains NUL characters; save it again as UTF-8 text."))
        return result
    if text.lstrip().startswith(("[", "{")):
        return _read_world_bank_json(name, text, digest)
    return _read_csv(name, text, digest)


def _too_many(result: IndicatorFile) -> None:
    result.problem(
        0,
        "",
        _("The file holds more than %(count)s values; split it into smaller files.") % {"count": f"{MAX_VALUES:,}"},
    )


def read_long_table(name: str, text: str, digest: str) -> IndicatorFile:
    """A CSV long table known to be one (the shipped series)."""
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lower() for cell in next(rows, [])]
    return _read_long_rows(name, header, enumerate(rows, start=2), digest)


def _read_csv(name: str, text: str, digest: str) -> IndicatorFile:
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(rows, [])
    except csv.Error as error:
        result = IndicatorFile(name, "", digest)
        result.problem(1, "", _("The file could not be read as CSV: %(error)s") % {"error": error})
        return result
    header = [cell.strip() for cell in first]
    lowered = [cell.lower() for cell in header]
    if header[:1] == [WORLD_BANK_PREAMBLE]:
        return _read_world_bank_csv(name, header, rows, digest)
    if "indicator_code" in lowered and "source_note" in lowered:
        return _read_world_bank_metadata(name, lowered, rows, digest)
    if "country code" in lowered and "incomegroup" in lowered:
        result = IndicatorFile(name, IndicatorFileFormat.WORLD_BANK_METADATA, digest)
        result.notes.append(_("World Bank country metadata: passed over, HIPOC keeps its own country classifications."))
        return result
    if all(column in lowered for column in LONG_TABLE_COLUMNS):
        return _read_long_rows(name, lowered, enumerate(rows, start=2), digest)
    result = IndicatorFile(name, "", digest)
    result.problem(
        1,
        "",
        _(
            "This is not an indicator file HIPOC reads: expected a World Bank download (its first line "
            "“Data Source”), a World Bank metadata file, World Bank API JSON, or a table with the columns %(columns)s."
        )
        % {"columns": ", ".join(LONG_TABLE_COLUMNS)},
    )
    return result


def _read_world_bank_csv(name: str, first: list[str], rows, digest: str) -> IndicatorFile:
    """The download layout: preamble lines of `"Label","value",` then the header `Country Name, Country Code,
    Indicator Name, Indicator Code, 1960, 1961, …`."""
    result = IndicatorFile(name, IndicatorFileFormat.WORLD_BANK_CSV, digest)
    preamble = {first[0]: first[1].strip() if len(first) > 1 else ""}
    line = 1
    header: list[str] | None = None
    try:
        for row in rows:
            line += 1
            cells = [cell.strip() for cell in row]
            if cells[:2] == ["Country Name", "Country Code"]:
                header = cells
                break
            if cells and cells[0]:
                preamble[cells[0]] = cells[1] if len(cells) > 1 else ""
        if header is None:
            result.problem(line, "", _("No header line starting “Country Name”, “Country Code” under the preamble."))
            return result
        missing = [column for column in ("Indicator Name", "Indicator Code") if column not in header]
        if missing:
            result.problem(line, "", _("The header lacks the columns %(columns)s.") % {"columns": ", ".join(missing)})
            return result
        years = [(index, column) for index, column in enumerate(header) if YEAR_COLUMN.match(column)]
        code_at, indicator_at, name_at = (header.index(c) for c in ("Country Code", "Indicator Code", "Indicator Name"))
        vintage = preamble.get("Last Updated Date", "")
        source = preamble.get(WORLD_BANK_PREAMBLE, "")
        for row in rows:
            line += 1
            if not any(cell.strip() for cell in row):
                continue
            cells = row + [""] * (len(header) - len(row))
            indicator = cells[indicator_at].strip()
            if indicator and indicator not in result.indicators:
                result.indicators[indicator] = world_bank_facts(
                    indicator,
                    name=cells[name_at].strip(),
                    source=f"World Bank, {source}" if source else "",
                    vintage=vintage,
                )
            for index, year in years:
                value = cells[index].strip()
                if value == "":
                    continue
                result.cells.append(Cell(name, line, year, cells[code_at].strip(), indicator, year, value))
                if len(result.cells) > MAX_VALUES:
                    _too_many(result)
                    return result
    except csv.Error as error:
        result.problem(line, "", _("The file could not be read as CSV: %(error)s") % {"error": error})
    return result


def _read_world_bank_metadata(name: str, header: list[str], rows, digest: str) -> IndicatorFile:
    """`Metadata_Indicator_*.csv`: INDICATOR_CODE, INDICATOR_NAME, SOURCE_NOTE, SOURCE_ORGANIZATION."""
    result = IndicatorFile(name, IndicatorFileFormat.WORLD_BANK_METADATA, digest)
    at = {column: index for index, column in enumerate(header)}
    try:
        for row in rows:
            cells = row + [""] * (len(header) - len(row))

            def cell(column: str, cells: list[str] = cells) -> str:
                return cells[at[column]].strip() if column in at else ""

            code = cell("indicator_code")
            if not code:
                continue
            organisation = cell("source_organization")
            result.indicators[code] = world_bank_facts(
                code,
                name=cell("indicator_name"),
                description=f"{cell('source_note')}\n\n{organisation}".strip(),
                source=f"World Bank; {organisation}" if organisation else "World Bank",
            )
            if len(result.indicators) > MAX_VALUES:
                _too_many(result)
                break
    except csv.Error as error:
        result.problem(0, "", _("The file could not be read as CSV: %(error)s") % {"error": error})
    return result


def _read_long_rows(name: str, header: list[str], rows, digest: str) -> IndicatorFile:
    result = IndicatorFile(name, IndicatorFileFormat.LONG_TABLE, digest)
    at = {column: index for index, column in enumerate(header)}
    try:
        for line, row in rows:
            cells = list(row) + [None] * (len(header) - len(row))
            if all(cell is None or str(cell).strip() == "" for cell in cells):
                continue

            def cell(column: str, cells: list = cells) -> str:
                value = cells[at[column]] if column in at else None
                return "" if value is None else str(value).strip()

            indicator = cell("indicator_code")
            indicator_name = cell("indicator_name")
            if indicator and indicator_name and indicator not in result.indicators:
                result.indicators[indicator] = IndicatorFacts(code=indicator, name=indicator_name)
            value = cells[at["value"]]
            result.cells.append(
                Cell(
                    name,
                    line,
                    "value",
                    cell("iso3"),
                    indicator,
                    cell("year"),
                    value.strip() if isinstance(value, str) else value,
                )
            )
            if len(result.cells) > MAX_VALUES:
                _too_many(result)
                break
    except csv.Error as error:
        result.problem(0, "", _("The file could not be read as CSV: %(error)s") % {"error": error})
    return result


def _read_xlsx(name: str, content: bytes, digest: str) -> IndicatorFile:
    from openpyxl import load_workbook

    result = IndicatorFile(name, IndicatorFileFormat.LONG_TABLE, digest)
    try:
        if unpacks_beyond(content, MAX_UNPACKED_BYTES):
            result.problem(
                0,
                "",
                _("The XLSX file unpacks to more than %(size)d MB; save a smaller file.")
                % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)},
            )
            return result
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        header = [str(cell).strip().lower() if cell is not None else "" for cell in next(rows, ())]
        if not all(column in header for column in LONG_TABLE_COLUMNS):
            result.problem(
                1,
                "",
                _("The first row must name the columns %(columns)s.") % {"columns": ", ".join(LONG_TABLE_COLUMNS)},
            )
            return result
        return _read_long_rows(name, header, enumerate(rows, start=2), digest)
    # openpyxl raises many kinds of error on a damaged workbook (zip, XML, key and type errors); each means a bad file.
    except Exception as error:
        result.problem(0, "", _("The file could not be read as XLSX: %(error)s") % {"error": error})
    return result


def _read_world_bank_json(name: str, text: str, digest: str) -> IndicatorFile:
    """API v2: `[{"page": 1, "pages": 1, "lastupdated": "…", …}, [{"indicator": {"id", "value"}, "country": {"id",
    "value"}, "countryiso3code": "JPN", "date": "2021", "value": 222452, …}, …]]`; an error answer is
    `[{"message": [{"id", "key", "value"}]}]`."""
    result = IndicatorFile(name, IndicatorFileFormat.WORLD_BANK_JSON, digest)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        result.problem(0, "", _("The file is not valid JSON: %(error)s") % {"error": error})
        return result
    if isinstance(document, list) and document and isinstance(document[0], dict) and "message" in document[0]:
        messages = document[0]["message"]
        said = (
            "; ".join(str(m.get("value", m)) for m in messages if isinstance(m, dict))
            if isinstance(messages, list)
            else ""
        )
        result.problem(
            0, "", _("The World Bank API answered with an error: %(message)s") % {"message": said or messages}
        )
        return result
    if not (isinstance(document, list) and len(document) == 2 and isinstance(document[0], dict)):
        result.problem(0, "", _("Expected the World Bank API's page shape, [meta, rows]."))
        return result
    meta, rows = document
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        result.problem(0, "", _("Expected the World Bank API's page shape, [meta, rows]."))
        return result
    if len(rows) > MAX_VALUES:
        _too_many(result)
        return result
    page, pages = meta.get("page"), meta.get("pages")
    if isinstance(page, int) and isinstance(pages, int) and pages > 1:
        result.notes.append(
            _("Page %(page)d of %(pages)d: ask the API for per_page=20000 to have every row in one file.")
            % {"page": page, "pages": pages}
        )
    vintage = str(meta.get("lastupdated") or "")
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            result.problem(position, "", _("Row %(row)d is not an object.") % {"row": position})
            continue
        indicator, country = _object(row.get("indicator")), _object(row.get("country"))
        code = str(indicator.get("id") or "")
        if code and code not in result.indicators:
            result.indicators[code] = world_bank_facts(
                code, name=str(indicator.get("value") or ""), source="World Bank API v2", vintage=vintage
            )
        value = row.get("value")
        if value is None:
            continue
        iso3 = str(row.get("countryiso3code") or "") or str(country.get("id") or "")
        result.cells.append(Cell(name, position, "value", iso3, code, str(row.get("date") or ""), value))
    return result


def _object(value: object) -> dict:
    return value if isinstance(value, dict) else {}
