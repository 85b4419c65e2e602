"""Sortable, paginated tables for the lists (django-tables2)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import CooperationProgram, MissionReport, StakeholderNeed

# Dates read YYYY-MM-DD and never break across lines, however narrow their column.
ONE_LINE = {"td": {"class": "text-nowrap"}}


class MissionReportTable(tables.Table):
    report = tables.Column(
        verbose_name=_("Report"), accessor="pk", linkify=lambda record: record.get_absolute_url(), order_by=("kind",)
    )
    visit_start = tables.DateColumn(verbose_name=_("Visit"), format="Y-m-d", attrs=ONE_LINE)
    country = tables.Column(verbose_name=_("Country"), order_by=("country__name",))
    author = tables.Column(verbose_name=_("Author"), order_by=("author__username",))
    status = tables.Column(verbose_name=_("Status"))
    updated_at = tables.DateTimeColumn(verbose_name=_("Last change"), format="Y-m-d H:i", attrs=ONE_LINE)

    class Meta:
        model = MissionReport
        fields = ("report", "visit_start", "country", "author", "status", "updated_at")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-visit_start",)
        per_page = 25

    def render_report(self, record):
        return record.title

    def render_country(self, value):
        return value.local_name


class StakeholderNeedTable(tables.Table):
    raised_on = tables.DateColumn(verbose_name=_("Raised on"), linkify=True, format="Y-m-d", attrs=ONE_LINE)
    country = tables.Column(verbose_name=_("Country"), order_by=("country__name",))
    area = tables.Column(verbose_name=_("Area"), order_by=("area__position",))
    stakeholder_group = tables.Column(verbose_name=_("Stakeholder group"), order_by=("stakeholder_group__position",))
    description = tables.Column(verbose_name=_("Description"), orderable=False)
    urgency = tables.Column(verbose_name=_("Urgency"))
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = StakeholderNeed
        fields = ("raised_on", "country", "area", "stakeholder_group", "description", "urgency", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-raised_on",)
        per_page = 25

    def render_country(self, value):
        return value.local_name

    def render_area(self, value):
        return value.local_name

    def render_stakeholder_group(self, value):
        return value.local_name

    def render_description(self, value):
        return value if len(value) <= 90 else f"{value[:89]}…"


class CooperationProgramTable(tables.Table):
    title = tables.Column(verbose_name=_("Title"), linkify=("program-detail", [tables.A("pk")]))
    program_type = tables.Column(verbose_name=_("Type"))
    countries = tables.Column(verbose_name=_("Countries"), orderable=False, empty_values=())
    areas = tables.Column(verbose_name=_("Areas"), orderable=False, empty_values=())
    partners = tables.Column(verbose_name=_("Partners"), orderable=False, empty_values=())
    stage = tables.Column(verbose_name=_("Stage"))
    status = tables.Column(verbose_name=_("Status"))
    start_date = tables.DateColumn(verbose_name=_("Start"), format="Y-m-d", attrs=ONE_LINE)
    end_date = tables.DateColumn(verbose_name=_("End"), format="Y-m-d", attrs=ONE_LINE)

    class Meta:
        model = CooperationProgram
        fields = (
            "title",
            "program_type",
            "countries",
            "areas",
            "partners",
            "stage",
            "status",
            "start_date",
            "end_date",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-start_date",)
        per_page = 25

    def render_countries(self, record):
        return ", ".join(country.local_name for country in record.countries.all())

    def render_areas(self, record):
        return ", ".join(area.local_name for area in record.areas.all())

    def render_partners(self, record):
        return ", ".join(partner.name for partner in record.partners.all())
