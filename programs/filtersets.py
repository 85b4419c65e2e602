"""One filterset per model, shared by the web lists and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from countries.models import Country

from .models import MissionReport, ReportKind, ReportStatus


class MissionReportFilterSet(django_filters.FilterSet):
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.oda_eligible().order_by("name"), label=_("Country")
    )
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    author = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(groups__name="expert").order_by("username"), label=_("Author")
    )
    visited_from = django_filters.DateFilter(
        field_name="visit_end",
        lookup_expr="gte",
        label=_("Visited from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    visited_until = django_filters.DateFilter(
        field_name="visit_start",
        lookup_expr="lte",
        label=_("Visited until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = MissionReport
        fields = ["country", "kind", "status", "author"]
