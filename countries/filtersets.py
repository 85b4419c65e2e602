"""One filterset per model, shared by the web pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Country, IncomeGroup, OdaCategory

M49_REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania"]


class CountryFilterSet(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(choices=[(name, name) for name in M49_REGIONS], label=_("Region"))
    income_group = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in IncomeGroup.choices if value], label=_("Income group")
    )
    oda_category = django_filters.ChoiceFilter(choices=OdaCategory.choices, label=_("ODA category"))

    class Meta:
        model = Country
        fields = ["region", "income_group", "oda_category"]
