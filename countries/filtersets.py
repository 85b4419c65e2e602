"""One filterset per model, shared by the web pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import REGION_NAMES, Country, IncomeGroup, Indicator, IndicatorValue, OdaCategory, Treaty

M49_REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania"]
REGION_CHOICES = [(name, REGION_NAMES[name]) for name in M49_REGIONS]


class CountryFilterSet(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(choices=REGION_CHOICES, label=_("Region"))
    income_group = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in IncomeGroup.choices if value], label=_("Income group")
    )
    oda_category = django_filters.ChoiceFilter(choices=OdaCategory.choices, label=_("ODA category"))
    treaty = django_filters.ChoiceFilter(
        field_name="treaty_memberships__treaty", choices=Treaty.choices, label=_("Party to the treaty")
    )

    class Meta:
        model = Country
        fields = ["region", "income_group", "oda_category", "treaty"]


class IndicatorFilterSet(django_filters.FilterSet):
    code = django_filters.BaseInFilter(field_name="code", label=_("Indicator codes, comma-separated"))
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name contains"))

    class Meta:
        model = Indicator
        fields = ["code", "name"]


class IndicatorValueFilterSet(django_filters.FilterSet):
    indicator = django_filters.BaseInFilter(field_name="indicator__code", label=_("Indicator codes, comma-separated"))
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte", label=_("From year"))
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte", label=_("To year"))

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "year_from", "year_to"]
