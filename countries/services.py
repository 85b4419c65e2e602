"""Writes to countries: loading the shipped reference data."""

import copy
import csv
import dataclasses
import datetime
import functools
import gettext
import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import country_converter
import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .indicator_files import Cell, IndicatorFacts, IndicatorFile, Problem, read_long_table
from .models import (
    INDICATOR_CODE_PATTERN,
    LARGEST_INDICATOR_VALUE,
    Country,
    CountryGroup,
    Indicator,
    IndicatorFileFormat,
    IndicatorImport,
    IndicatorValue,
    OdaCategory,
    Treaty,
    TreatyMembership,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
CLASSIFICATIONS_FILE = DATA_DIR / "country_classifications.csv"
GROUPS_FILE = DATA_DIR / "country_groups.csv"
TREATIES_FILE = DATA_DIR / "ip_treaties.csv"
IP_OFFICES_FILE = DATA_DIR / "ip_offices.csv"
JAPANESE_NAMES_FILE = DATA_DIR / "country_names_ja.csv"

# country_converter names one continent differently from UN M49.
COCO_CONTINENT_TO_M49_REGION = {"America": "Americas"}

CLASSIFICATION_FIELDS = [
    "iso2",
    "name",
    "name_ja",
    "un_m49",
    "region",
    "subregion",
    "income_group",
    "income_group_year",
    "oda_category",
    "oda_list_period",
    "is_un_ldc",
    "source_note",
]


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int


def _classification_rows() -> dict[str, dict[str, str]]:
    with CLASSIFICATIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["iso3"]: row for row in csv.DictReader(handle)}


def _regions_from_country_converter(iso3: str) -> tuple[str, str]:
    """Region and sub-region for a country the shipped file does not list yet (a newer pycountry)."""
    converter = country_converter.CountryConverter()
    region = str(converter.convert(iso3, src="ISO3", to="continent", not_found=""))
    subregion = str(converter.convert(iso3, src="ISO3", to="UNregion", not_found=""))
    return COCO_CONTINENT_TO_M49_REGION.get(region, region), subregion


def _japanese_names() -> dict[str, str]:
    """ISO 3166-1 alpha-3 → Japanese name: pycountry's translations of the ISO names (iso-codes), with the
    shipped corrections in `country_names_ja.csv`."""
    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"], fallback=True)
    names = {}
    for entry in pycountry.countries:
        translated = catalogue.gettext(entry.name)
        if translated != entry.name:
            names[entry.alpha_3] = translated
    with JAPANESE_NAMES_FILE.open(encoding="utf-8", newline="") as handle:
        names |= {row["iso3"]: row["name_ja"] for row in csv.DictReader(handle)}
    return names


@transaction.atomic
def countries_load_reference_data() -> LoadReport:
    """Create or update every ISO 3166-1 country with its classifications.

    pycountry decides which countries exist; the shipped file gives their verified classifications. The IP
    office and WIPO membership are left to `ip_facts_load_reference_data`.
    """
    rows = _classification_rows()
    japanese = _japanese_names()
    existing = set(Country.objects.values_list("iso3", flat=True))
    countries = []
    for entry in pycountry.countries:
        row = rows.get(entry.alpha_3)
        if row is None:
            region, subregion = _regions_from_country_converter(entry.alpha_3)
            row = {"un_m49": entry.numeric, "un_region": region, "un_subregion": subregion}
        countries.append(
            Country(
                iso3=entry.alpha_3,
                iso2=entry.alpha_2,
                name=row.get("name") or entry.name,
                name_ja=japanese.get(entry.alpha_3, ""),
                un_m49=row.get("un_m49", ""),
                region=row.get("un_region", ""),
                subregion=row.get("un_subregion", ""),
                income_group=row.get("wb_income_group", ""),
                income_group_year=row.get("wb_income_fy", ""),
                oda_category=row.get("dac_oda_category") or OdaCategory.NOT_ELIGIBLE,
                oda_list_period=row.get("dac_list_period", ""),
                is_un_ldc=row.get("un_ldc") == "1",
                source_note=row.get("source_note", ""),
            )
        )
    for country in countries:
        country.full_clean(validate_unique=False, validate_constraints=True)
    Country.objects.bulk_create(
        countries, update_conflicts=True, unique_fields=["iso3"], update_fields=CLASSIFICATION_FIELDS
    )
    created = sum(1 for country in countries if country.iso3 not in existing)
    return LoadReport(created=created, updated=len(countries) - created)


IP_OFFICE_FIELDS = ["ip_office", "ip_office_url", "regional_ip_office", "ip_office_source"]


@transaction.atomic
def ip_facts_load_reference_data() -> LoadReport:
    """Treaty memberships from WIPO Lex and national IP offices from WIPO's PCT Applicant's Guide and Country IP
    Profiles (the shipped `ip_treaties.csv` and `ip_offices.csv`).

    A membership the file lists is created or corrected; one staff recorded that the file lacks (a later
    accession) is kept. WIPO membership is being a party to the WIPO Convention, which WIPO Lex lists in full.
    A country without a row in the office file keeps the office staff recorded for it.
    """
    countries = set(Country.objects.values_list("iso3", flat=True))
    with TREATIES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["iso3"] in countries]
    unknown = {row["treaty"] for row in rows} - set(Treaty.values)
    if unknown:
        raise ValueError(f"{TREATIES_FILE.name} names unknown treaties: {sorted(unknown)}")
    existing = set(TreatyMembership.objects.values_list("country_id", "treaty"))
    memberships = [
        TreatyMembership(
            country_id=row["iso3"],
            treaty=row["treaty"],
            in_force_date=datetime.date.fromisoformat(row["in_force_date"]),
            source=row["source"],
            source_url=row["source_url"],
        )
        for row in rows
    ]
    TreatyMembership.objects.bulk_create(
        memberships,
        update_conflicts=True,
        unique_fields=["country", "treaty"],
        update_fields=["in_force_date", "source", "source_url"],
    )
    created = sum((membership.country_id, membership.treaty) not in existing for membership in memberships)
    members = {row["iso3"] for row in rows if row["treaty"] == Treaty.WIPO_CONVENTION}
    Country.objects.filter(iso3__in=members).update(wipo_member=True)
    Country.objects.exclude(iso3__in=members).update(wipo_member=False)

    with IP_OFFICES_FILE.open(encoding="utf-8", newline="") as handle:
        offices = [row for row in csv.DictReader(handle) if row["iso3"] in countries]
    Country.objects.bulk_update(
        [
            Country(
                iso3=row["iso3"],
                ip_office=row["office_name"],
                ip_office_url=row["office_url"],
                regional_ip_office=row["regional_office"],
                ip_office_source=f"{row['source']} {row['source_url']}".strip(),
            )
            for row in offices
        ],
        IP_OFFICE_FIELDS,
    )
    return LoadReport(created=created, updated=len(memberships) - created)


def _group_members(rule: str, members: str) -> list[str]:
    """Resolve a group's rule from country_groups.csv to ISO3 codes."""
    kind, _, values = rule.partition(":")
    choices = values.split("|") if values else []
    countries = Country.objects.all()
    if kind == "list":
        return [code for code in members.split(";") if code]
    if kind == "oda_eligible":
        return list(countries.oda_eligible().values_list("iso3", flat=True))
    if kind == "un_ldc":
        return list(countries.filter(is_un_ldc=True).values_list("iso3", flat=True))
    if kind == "oda_category":
        return list(countries.filter(oda_category__in=choices).values_list("iso3", flat=True))
    if kind == "region":
        return list(countries.filter(region__in=choices).values_list("iso3", flat=True))
    if kind == "subregion":
        return list(countries.filter(subregion__in=choices).values_list("iso3", flat=True))
    raise ValueError(f"Unknown country-group rule {rule!r} in {GROUPS_FILE.name}")


@transaction.atomic
def country_groups_load_reference_data() -> LoadReport:
    """Create or update the country groups policies refer to, and recompute their members."""
    created = updated = 0
    with GROUPS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            group, was_created = CountryGroup.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "definition": f"{row['definition']} Source: {row['citation']}"},
            )
            members = _group_members(row["rule"], row["members"])
            unknown = set(members) - set(Country.objects.filter(iso3__in=members).values_list("iso3", flat=True))
            if unknown:
                raise ValueError(f"Group {row['code']} names unknown countries: {sorted(unknown)}")
            group.countries.set(Country.objects.filter(iso3__in=members))
            created += was_created
            updated += not was_created
    return LoadReport(created=created, updated=updated)


# Indicators ----------------------------------------------------------------------------------------------------------

INDICATORS_FILE = DATA_DIR / "indicators.csv"
INDICATOR_SERIES_FILE = DATA_DIR / "indicator_series.csv"
WORLD_BANK_CODES_FILE = DATA_DIR / "world_bank_codes.csv"
# Rows written per statement: well under SQLite's limit on bound variables (5 per row).
VALUE_BATCH = 500
# Changed values a preview lists; the counts cover every one.
PREVIEW_CHANGES = 25
FIRST_YEAR, LAST_YEAR = 1950, 2100


@functools.cache
def world_bank_codes() -> dict[str, str]:
    """Codes the World Bank's files use for aggregates (WLD, HIC, …) and for economies without an ISO 3166-1 code
    (XKX, CHI): their rows are skipped and counted, not refused."""
    with WORLD_BANK_CODES_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["kind"] for row in csv.DictReader(handle)}


@dataclass
class FileSummary:
    name: str
    format: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def format_label(self) -> str:
        return str(IndicatorFileFormat(self.format).label) if self.format else "—"


@dataclass
class IndicatorImportOutcome:
    """What an import found and changed (or, in a dry run, would change)."""

    files: list[FileSummary]
    problems: list[Problem]
    new_indicators: list[str] = field(default_factory=list)
    changes: list[tuple[str, str, int, float, float]] = field(default_factory=list)
    skipped_codes: dict[str, int] = field(default_factory=dict)
    committed: bool = False

    @property
    def created(self) -> int:
        return sum(summary.created for summary in self.files)

    @property
    def updated(self) -> int:
        return sum(summary.updated for summary in self.files)

    @property
    def unchanged(self) -> int:
        return sum(summary.unchanged for summary in self.files)

    @property
    def skipped(self) -> int:
        return sum(summary.skipped for summary in self.files)


def _parsed_value(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    try:
        return float(str(raw).strip())
    except ValueError:
        return None


def _merged_facts(files: Sequence[IndicatorFile]) -> dict[str, IndicatorFacts]:
    """Each series' facts from every file, the first file that states a field giving it."""
    merged: dict[str, IndicatorFacts] = {}
    for indicator_file in files:
        for code, facts in indicator_file.indicators.items():
            known = merged.get(code)
            if known is None:
                merged[code] = facts
                continue
            merged[code] = dataclasses.replace(
                known, **{name: getattr(facts, name) for name in FACT_FIELDS if not getattr(known, name)}
            )
    return merged


FACT_FIELDS = ("name", "unit", "description", "source", "source_url", "licence", "vintage", "retrieved_from")


def indicators_import(files: Sequence[IndicatorFile], *, by: Any = None, commit: bool) -> IndicatorImportOutcome:
    """Check every value of every file, then write them all or none.

    A value names a country HIPOC knows (rows of World Bank aggregates and of economies without an ISO code are
    skipped and counted), an indicator HIPOC knows or the files describe, a year from 1950 to 2100 and a finite
    number within ±1e12, once. A value that differs from the stored one replaces it and names this import; an
    equal one is left as it is, with the import it came from.
    """
    outcome = IndicatorImportOutcome(
        files=[FileSummary(f.name, f.format, notes=list(f.notes)) for f in files],
        problems=[problem for f in files for problem in f.problems],
    )
    facts = _merged_facts(files)
    countries = set(Country.objects.values_list("iso3", flat=True))
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    aggregates = world_bank_codes()
    seen: dict[tuple[str, str, int], tuple[str, int]] = {}
    accepted: list[tuple[int, str, str, int, float]] = []
    for position, indicator_file in enumerate(files):
        summary = outcome.files[position]
        for cell in indicator_file.cells:

            def refuse(column: str, message: str, cell: Cell = cell) -> None:
                outcome.problems.append(Problem(cell.file, cell.line, column, message))

            iso3 = cell.country.strip().upper()
            if iso3 not in countries:
                if iso3 in aggregates:
                    summary.skipped += 1
                    outcome.skipped_codes[iso3] = outcome.skipped_codes.get(iso3, 0) + 1
                else:
                    refuse(
                        "country",
                        _("Unknown country code “%(code)s”: use an ISO 3166-1 alpha-3 code.") % {"code": cell.country},
                    )
                continue
            code = cell.indicator.strip()
            if not code:
                refuse("indicator", _("No indicator code."))
                continue
            if not re.match(INDICATOR_CODE_PATTERN, code) or len(code) > 60:
                refuse("indicator", _("“%(code)s” is not an indicator code.") % {"code": code})
                continue
            if code not in indicators and not (code in facts and facts[code].name):
                refuse(
                    "indicator",
                    _(
                        "Unknown indicator “%(code)s”: give its name in an indicator_name column, or import the "
                        "World Bank metadata file with it."
                    )
                    % {"code": code},
                )
                continue
            year_text = str(cell.year).strip()
            if not year_text.isdigit() or not FIRST_YEAR <= int(year_text) <= LAST_YEAR:
                refuse(
                    cell.column if cell.column != "value" else "year",
                    _("“%(year)s” is not a year from %(first)d to %(last)d.")
                    % {"year": cell.year, "first": FIRST_YEAR, "last": LAST_YEAR},
                )
                continue
            year = int(year_text)
            value = _parsed_value(cell.value)
            if value is None:
                refuse(cell.column, _("“%(value)s” is not a number.") % {"value": cell.value})
                continue
            if not math.isfinite(value) or abs(value) > LARGEST_INDICATOR_VALUE:
                refuse(cell.column, _("%(value)s is not a finite number within ±1e12.") % {"value": cell.value})
                continue
            key = (iso3, code, year)
            if key in seen:
                earlier_file, earlier_line = seen[key]
                refuse(
                    cell.column,
                    _(
                        "A second value for %(country)s, %(indicator)s, %(year)d: the first is on line %(line)d "
                        "of %(file)s."
                    )
                    % {"country": iso3, "indicator": code, "year": year, "line": earlier_line, "file": earlier_file},
                )
                continue
            seen[key] = (cell.file, cell.line)
            accepted.append((position, iso3, code, year, value))
    changed_facts = {
        code: fact
        for code, fact in facts.items()
        if code not in indicators
        or any(getattr(fact, name) and getattr(fact, name) != getattr(indicators[code], name) for name in FACT_FIELDS)
    }
    outcome.problems.extend(_fact_problems(files, changed_facts, indicators))
    if outcome.problems:
        return outcome

    stored = {
        (iso3, code, year): value
        for iso3, code, year, value in IndicatorValue.objects.filter(
            indicator__code__in={code for _p, _i, code, _y, _v in accepted}
        ).values_list("country_id", "indicator__code", "year", "value")
    }
    writes: list[tuple[int, str, str, int, float]] = []
    for position, iso3, code, year, value in accepted:
        summary = outcome.files[position]
        before = stored.get((iso3, code, year))
        if before is None:
            summary.created += 1
        elif before == value:
            summary.unchanged += 1
            continue
        else:
            summary.updated += 1
            if len(outcome.changes) < PREVIEW_CHANGES:
                outcome.changes.append((code, iso3, year, before, value))
        writes.append((position, iso3, code, year, value))
    outcome.new_indicators = sorted(code for code in facts if code not in indicators)
    if not commit or not (writes or changed_facts):
        outcome.committed = commit
        return outcome
    with transaction.atomic():
        _write_import(files, outcome, facts, changed_facts, indicators, writes, by)
    outcome.committed = True
    return outcome


def _with_facts(indicator: Indicator, fact: IndicatorFacts) -> Indicator:
    for name in FACT_FIELDS:
        if getattr(fact, name):
            setattr(indicator, name, getattr(fact, name))
    return indicator


def _fact_problems(
    files: Sequence[IndicatorFile], changed_facts: dict[str, IndicatorFacts], indicators: dict[str, Indicator]
) -> list[Problem]:
    """What a file says about a series that HIPOC cannot keep (a name too long, an address that is none), found
    before anything is written."""
    problems: list[Problem] = []
    for code, fact in changed_facts.items():
        known = indicators.get(code)
        # A copy: the stored indicator changes only once every file has been checked.
        candidate = _with_facts(copy.copy(known) if known else Indicator(code=code), fact)
        try:
            # The code pattern, the only constraint, was checked with the cells: no query per indicator.
            candidate.full_clean(validate_unique=False, validate_constraints=False, exclude=["last_import"])
        except ValidationError as error:
            source = next((f.name for f in files if code in f.indicators), "")
            for field_name, messages in error.message_dict.items():
                problems.extend(Problem(source, 0, field_name, f"{code}: {message}") for message in messages)
    return problems


def _write_import(files, outcome, facts, changed_facts, indicators, writes, by) -> None:
    touched = {position for position, *_rest in writes}
    for position, indicator_file in enumerate(files):
        if any(code in changed_facts for code in indicator_file.indicators):
            touched.add(position)
    imports = {}
    for position in sorted(touched):
        summary = outcome.files[position]
        imports[position] = IndicatorImport.objects.create(
            file_name=summary.name[:255],
            file_format=summary.format,
            sha256=files[position].sha256,
            imported_by=by,
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
            skipped=summary.skipped,
        )
    last_import: dict[str, IndicatorImport] = {}
    for position, indicator_file in enumerate(files):
        for code in indicator_file.indicators:
            if position in imports:
                last_import[code] = imports[position]
    for position, _iso3, code, _year, _value in writes:
        last_import[code] = imports[position]
    new: list[Indicator] = []
    for code, fact in changed_facts.items():
        indicator = _with_facts(indicators.get(code) or Indicator(code=code), fact)
        indicator.last_import = last_import.get(code)
        if indicator.pk is None:
            new.append(indicator)
        else:
            indicator.save()
    Indicator.objects.bulk_create(new)
    stale = [indicators[code] for code in last_import if code in indicators and code not in changed_facts]
    for indicator in stale:
        indicator.last_import = last_import[indicator.code]
    Indicator.objects.bulk_update(stale, ["last_import"])
    by_code = {indicator.code: indicator.pk for indicator in Indicator.objects.filter(code__in=last_import)}
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                country_id=iso3,
                indicator_id=by_code[code],
                year=year,
                value=value,
                source_import=imports[position],
            )
            for position, iso3, code, year, value in writes
        ],
        batch_size=VALUE_BATCH,
        update_conflicts=True,
        unique_fields=["country", "indicator", "year"],
        update_fields=["value", "source_import"],
    )


# A shipped source's vintage is the closing parenthesis of its description: "World Bank WDI (last updated
# 2026-01-28)" → "2026-01-28"; "Worldwide Governance Indicators (2024 update)" → "2024 update".
VINTAGE_IN_SOURCE = re.compile(r"\((?:last updated )?([^()]*)\)\s*$")


def shipped_indicator_file() -> IndicatorFile:
    """The shipped World Bank series (countries/data/indicator_series.csv) with their facts (indicators.csv)."""
    series = INDICATOR_SERIES_FILE.read_bytes()
    digest = hashlib.sha256(INDICATORS_FILE.read_bytes() + series).hexdigest()
    indicator_file = read_long_table(
        f"{INDICATOR_SERIES_FILE.parent.parent.name}/data/{INDICATOR_SERIES_FILE.name}", series.decode("utf-8"), digest
    )
    indicator_file.format = IndicatorFileFormat.SHIPPED
    with INDICATORS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            vintage = VINTAGE_IN_SOURCE.search(row["source"])
            indicator_file.indicators[row["code"]] = IndicatorFacts(
                code=row["code"],
                name=row["name"],
                unit=row["unit"],
                description=row["description"],
                source=row["source"],
                source_url=row["source_url"],
                licence=row["licence"],
                vintage=vintage.group(1) if vintage else "",
                retrieved_from=f"{row['retrieved_from']} — {row['mirror_file']}",
            )
    return indicator_file


def indicators_load_reference_data() -> IndicatorImportOutcome:
    """Load the shipped series: idempotent (a second load changes and records nothing) and in a number of queries
    that does not grow with the number of values beyond one statement per VALUE_BATCH rows written."""
    outcome = indicators_import([shipped_indicator_file()], commit=True)
    if outcome.problems:
        first = outcome.problems[0]
        raise ValueError(f"{first.file} line {first.line}: {first.message} ({len(outcome.problems)} problems)")
    return outcome
