"""Countries with their classifications, country groups named by policies, and context indicators."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hipoc.i18n import LocalName

from .querysets import CountryQuerySet


class IncomeGroup(models.TextChoices):
    """World Bank income groups."""

    LOW = "L", _("Low income")
    LOWER_MIDDLE = "LM", _("Lower-middle income")
    UPPER_MIDDLE = "UM", _("Upper-middle income")
    HIGH = "H", _("High income")
    __empty__ = _("Not classified")


class OdaCategory(models.TextChoices):
    """Categories of the OECD-DAC List of ODA Recipients."""

    LDC = "LDC", _("Least developed country")
    OTHER_LIC = "OTHER_LIC", _("Other low-income country")
    LMIC = "LMIC", _("Lower-middle-income country")
    UMIC = "UMIC", _("Upper-middle-income country")
    NOT_ELIGIBLE = "NOT_ELIGIBLE", _("Not an ODA recipient")


# UN M49 regions and sub-regions as the reference data names them, in the reader's language.
REGION_NAMES = {
    "Africa": _("Africa"),
    "Americas": _("Americas"),
    "Asia": _("Asia"),
    "Europe": _("Europe"),
    "Oceania": _("Oceania"),
    "Australia and New Zealand": _("Australia and New Zealand"),
    "Central Asia": _("Central Asia"),
    "Eastern Asia": _("Eastern Asia"),
    "Eastern Europe": _("Eastern Europe"),
    "Latin America and the Caribbean": _("Latin America and the Caribbean"),
    "Melanesia": _("Melanesia"),
    "Micronesia": _("Micronesia"),
    "Northern Africa": _("Northern Africa"),
    "Northern America": _("Northern America"),
    "Northern Europe": _("Northern Europe"),
    "Polynesia": _("Polynesia"),
    "South-eastern Asia": _("South-eastern Asia"),
    "Southern Asia": _("Southern Asia"),
    "Southern Europe": _("Southern Europe"),
    "Sub-Saharan Africa": _("Sub-Saharan Africa"),
    "Western Asia": _("Western Asia"),
    "Western Europe": _("Western Europe"),
}


def region_label(name: str) -> str:
    """A region's or sub-region's name in the reader's language (as stored when it has no translation)."""
    return str(REGION_NAMES.get(name, name))


class Country(LocalName, models.Model):
    """An ISO 3166-1 country or area, keyed by its alpha-3 code, with the classifications HIPOC ranks by."""

    OdaCategory = OdaCategory

    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, primary_key=True)
    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ja = models.CharField(
        _("name in Japanese"), max_length=100, blank=True, help_text=_("From pycountry's Japanese ISO 3166-1 names.")
    )
    un_m49 = models.CharField(_("UN M49 code"), max_length=3, blank=True)
    region = models.CharField(_("UN M49 region"), max_length=40, blank=True, db_index=True)
    subregion = models.CharField(_("UN M49 sub-region"), max_length=60, blank=True)
    income_group = models.CharField(
        _("World Bank income group"), max_length=2, choices=IncomeGroup.choices, blank=True, db_index=True
    )
    income_group_year = models.CharField(_("income group fiscal year"), max_length=10, blank=True)
    oda_category = models.CharField(
        _("ODA-recipient category"),
        max_length=12,
        choices=OdaCategory.choices,
        default=OdaCategory.NOT_ELIGIBLE,
        db_index=True,
    )
    oda_list_period = models.CharField(_("DAC list period"), max_length=30, blank=True)
    is_un_ldc = models.BooleanField(_("on the UN LDC list"), default=False)
    wipo_member = models.BooleanField(
        _("WIPO member"), null=True, blank=True, help_text=_("Party to the WIPO Convention; unknown when empty.")
    )
    ip_office = models.CharField(_("national IP office"), max_length=200, blank=True)
    ip_office_url = models.URLField(_("national IP office's website"), blank=True)
    regional_ip_office = models.CharField(
        _("regional IP office"),
        max_length=40,
        blank=True,
        help_text=_("The regional office the country's applicants can file through, e.g. ARIPO, OAPI or the EPO."),
    )
    ip_office_source = models.TextField(_("source of the IP office facts"), blank=True)
    source_note = models.TextField(_("note on the sources"), blank=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3_upper_alpha3"),
            models.CheckConstraint(condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="country_iso2_upper_alpha2"),
            models.CheckConstraint(
                condition=Q(income_group__in=[*IncomeGroup.values, ""]), name="country_income_group_known"
            ),
            models.CheckConstraint(condition=Q(oda_category__in=OdaCategory.values), name="country_oda_category_known"),
        ]

    def __str__(self) -> str:
        return f"{self.local_name} ({self.iso3})"

    @property
    def region_label(self) -> str:
        return region_label(self.region)

    @property
    def subregion_label(self) -> str:
        return region_label(self.subregion)

    @property
    def is_oda_eligible(self) -> bool:
        return self.oda_category != self.OdaCategory.NOT_ELIGIBLE


class Treaty(models.TextChoices):
    """The WIPO-administered treaties HIPOC records memberships of, by the codes of the shipped data."""

    WIPO_CONVENTION = "wipo_convention", _("WIPO Convention")
    PARIS = "paris", _("Paris Convention")
    PCT = "pct", _("Patent Cooperation Treaty (PCT)")
    MADRID_PROTOCOL = "madrid_protocol", _("Madrid Protocol")
    HAGUE = "hague", _("Hague Agreement")
    BUDAPEST = "budapest", _("Budapest Treaty")
    TLT = "tlt", _("Trademark Law Treaty")
    PLT = "plt", _("Patent Law Treaty")
    MARRAKESH = "marrakesh", _("Marrakesh Treaty")


class TreatyMembership(models.Model):
    """A country's being a party to a WIPO-administered treaty, from the date the treaty entered into force for
    it, as WIPO Lex records it."""

    Treaty = Treaty

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="treaty_memberships", verbose_name=_("country")
    )
    treaty = models.CharField(_("treaty"), max_length=20, choices=Treaty.choices)
    in_force_date = models.DateField(_("in force since"))
    source = models.TextField(_("source"))
    source_url = models.URLField(_("source address"), max_length=300)

    class Meta:
        verbose_name = _("treaty membership")
        verbose_name_plural = _("treaty memberships")
        ordering = ["country", "in_force_date", "treaty"]
        constraints = [
            models.UniqueConstraint(fields=["country", "treaty"], name="treaty_membership_one_per_treaty"),
            models.CheckConstraint(condition=Q(treaty__in=Treaty.values), name="treaty_membership_treaty_known"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.treaty} ({self.in_force_date})"


class CountryGroup(models.Model):
    """A named set of countries that policies refer to, such as ASEAN, Africa or the LDCs."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    definition = models.TextField(_("definition"), help_text=_("How membership is decided, with its source."))
    countries = models.ManyToManyField(Country, related_name="groups", verbose_name=_("countries"), blank=True)

    class Meta:
        verbose_name = _("country group")
        verbose_name_plural = _("country groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# World Bank series codes are dotted (IP.PAT.RESD); HIPOC's own may use hyphens and underscores.
INDICATOR_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
validate_indicator_code = RegexValidator(
    INDICATOR_CODE_PATTERN,
    _("Use letters, digits, dots, hyphens and underscores, starting with a letter or digit."),
    code="invalid_indicator_code",
)


class IndicatorFileFormat(models.TextChoices):
    """The layouts an indicator file may come in."""

    SHIPPED = "shipped", _("Shipped reference data")
    WORLD_BANK_CSV = "world_bank_csv", _("World Bank download (CSV)")
    WORLD_BANK_METADATA = "world_bank_metadata", _("World Bank indicator metadata (CSV)")
    WORLD_BANK_JSON = "world_bank_json", _("World Bank API v2 (JSON)")
    LONG_TABLE = "long_table", _("Long table (CSV or XLSX)")


class IndicatorImport(models.Model):
    """One file of indicator values as it was read: what it was, who brought it in and what it changed. Every
    indicator and every value names the import it last came from."""

    Format = IndicatorFileFormat

    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=20, choices=IndicatorFileFormat.choices)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicator_imports",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    created = models.PositiveIntegerField(_("values added"), default=0)
    updated = models.PositiveIntegerField(_("values changed"), default=0)
    unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    skipped = models.PositiveIntegerField(
        _("rows skipped"), default=0, help_text=_("Aggregates such as WLD and economies without an ISO code.")
    )

    class Meta:
        verbose_name = _("indicator import")
        verbose_name_plural = _("indicator imports")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(file_format__in=IndicatorFileFormat.values), name="indicator_import_format_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})" if self.imported_at else self.file_name


class Indicator(models.Model):
    """A context indicator kept as a yearly time series, e.g. patent filings or GDP per capita, with the source
    and licence every page that shows it must name."""

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[validate_indicator_code])
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    vintage = models.CharField(
        _("vintage"), max_length=60, blank=True, help_text=_("The source's release, e.g. its last-updated date.")
    )
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    retrieved_from = models.TextField(_("retrieved from"), blank=True)
    last_import = models.ForeignKey(
        IndicatorImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("last import"),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=INDICATOR_CODE_PATTERN), name="indicator_code_pattern"),
        ]

    def __str__(self) -> str:
        return self.name


# An indicator value beyond a trillion in either direction is a typing or unit error (the largest World Bank
# series HIPOC reads, population and GDP per capita, stay far below it), and would swamp any scale it entered.
LARGEST_INDICATOR_VALUE = 1e12


def validate_finite(value: float) -> None:
    if not math.isfinite(value):
        raise ValidationError(_("Enter a finite number (not NaN or infinity)."), code="not_finite")


class IndicatorValue(models.Model):
    """One year's value of an indicator for a country."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(
        _("value"),
        validators=[
            validate_finite,
            MinValueValidator(-LARGEST_INDICATOR_VALUE),
            MaxValueValidator(LARGEST_INDICATOR_VALUE),
        ],
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_import = models.ForeignKey(
        IndicatorImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="values",
        verbose_name=_("import"),
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "country", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["country", "indicator", "year"], name="indicator_value_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1950, year__lte=2100), name="indicator_value_year_range"),
            models.CheckConstraint(
                condition=Q(value__gte=-LARGEST_INDICATOR_VALUE, value__lte=LARGEST_INDICATOR_VALUE),
                name="indicator_value_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.country_id} {self.year}: {self.value}"
