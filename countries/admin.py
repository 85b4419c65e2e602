from django.contrib import admin

from .models import Country, CountryGroup, Indicator, IndicatorValue


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("iso3", "name", "region", "subregion", "income_group", "oda_category", "is_un_ldc", "wipo_member")
    list_filter = ("region", "income_group", "oda_category", "is_un_ldc", "wipo_member")
    search_fields = ("iso3", "iso2", "name", "ip_office")
    ordering = ("name",)


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
