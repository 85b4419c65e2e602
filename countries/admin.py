from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models

from .models import Country, CountryGroup, Indicator, IndicatorValue, TreatyMembership

# Addresses typed without a scheme are read as https, as Django 6 will read them.
HTTPS_URLS: Mapping[type[models.Field], Mapping[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class TreatyMembershipInline(admin.TabularInline):
    model = TreatyMembership
    extra = 0
    formfield_overrides = HTTPS_URLS


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("iso3", "name", "region", "subregion", "income_group", "oda_category", "is_un_ldc", "wipo_member")
    list_filter = ("region", "income_group", "oda_category", "is_un_ldc", "wipo_member", "regional_ip_office")
    search_fields = ("iso3", "iso2", "name", "ip_office")
    ordering = ("name",)
    inlines = [TreatyMembershipInline]
    formfield_overrides = HTTPS_URLS


@admin.register(TreatyMembership)
class TreatyMembershipAdmin(admin.ModelAdmin):
    list_display = ("country", "treaty", "in_force_date")
    list_filter = ("treaty",)
    search_fields = ("country__iso3", "country__name")
    autocomplete_fields = ("country",)
    formfield_overrides = HTTPS_URLS


@admin.register(CountryGroup)
class CountryGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name", "definition")
    filter_horizontal = ("countries",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "source")
    search_fields = ("code", "name", "source")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "country", "year", "value", "source")
    list_filter = ("indicator", "year")
    search_fields = ("country__iso3", "country__name", "indicator__code")
    list_select_related = ("indicator", "country")
    autocomplete_fields = ("country",)
