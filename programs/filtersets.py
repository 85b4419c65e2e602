"""One filterset per model, shared by the web lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from countries.models import Country
from hipoc.forms import LocalDateInput

from .models import (
    CooperationArea,
    CooperationProgram,
    ImplementingPartner,
    MissionReport,
    NeedStatus,
    ProgramStatus,
    ProgramType,
    ReportKind,
    ReportStatus,
    StakeholderGroup,
    StakeholderNeed,
)


def eligible_countries(request):
    """The partner countries by name in the reader's language (asked for each request, in its language)."""
    return Country.objects.oda_eligible().by_local_name()


def all_countries(request):
    return Country.objects.by_local_name()


class MissionReportFilterSet(django_filters.FilterSet):
    country = django_filters.ModelChoiceFilter(queryset=eligible_countries, label=_("Country"))
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    author = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(groups__name="expert").order_by("username"), label=_("Author")
    )
    visited_from = django_filters.DateFilter(
        field_name="visit_end",
        lookup_expr="gte",
        label=_("Visited from"),
        widget=LocalDateInput(),
    )
    visited_until = django_filters.DateFilter(
        field_name="visit_start",
        lookup_expr="lte",
        label=_("Visited until"),
        widget=LocalDateInput(),
    )

    class Meta:
        model = MissionReport
        fields = ["country", "kind", "status", "author"]


class StakeholderNeedFilterSet(django_filters.FilterSet):
    country = django_filters.ModelChoiceFilter(queryset=eligible_countries, label=_("Country"))
    area = django_filters.ModelChoiceFilter(queryset=CooperationArea.objects.all(), label=_("Area"))
    stakeholder_group = django_filters.ModelChoiceFilter(
        queryset=StakeholderGroup.objects.all(), label=_("Stakeholder group")
    )
    status = django_filters.ChoiceFilter(choices=NeedStatus.choices, label=_("Status"))
    urgency_min = django_filters.NumberFilter(
        field_name="urgency", lookup_expr="gte", label=_("Urgency at least"), min_value=1, max_value=5
    )

    class Meta:
        model = StakeholderNeed
        fields = ["country", "area", "stakeholder_group", "status"]


class CooperationProgramFilterSet(django_filters.FilterSet):
    """Countries, areas and partners are named by their codes, in the page's query string as in the API's."""

    country = django_filters.ModelChoiceFilter(
        field_name="countries",
        queryset=all_countries,
        to_field_name="iso3",
        label=_("Country"),
    )
    type = django_filters.ChoiceFilter(field_name="program_type", choices=ProgramType.choices, label=_("Type"))
    status = django_filters.ChoiceFilter(choices=ProgramStatus.choices, label=_("Status"))
    area = django_filters.ModelChoiceFilter(
        field_name="areas", queryset=CooperationArea.objects.all(), to_field_name="code", label=_("Area")
    )
    partner = django_filters.ModelChoiceFilter(
        field_name="partners", queryset=ImplementingPartner.objects.all(), to_field_name="code", label=_("Partner")
    )

    class Meta:
        model = CooperationProgram
        fields = ["country", "type", "status", "area", "partner"]
