"""Sortable, paginated tables for the lists (django-tables2)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import MissionReport


class MissionReportTable(tables.Table):
    visit_start = tables.DateColumn(verbose_name=_("Visit"), linkify=True, format="Y-m-d")
    country = tables.Column(verbose_name=_("Country"), order_by=("country__name",))
    kind = tables.Column(verbose_name=_("Kind"))
    author = tables.Column(verbose_name=_("Author"), order_by=("author__username",))
    status = tables.Column(verbose_name=_("Status"))
    updated_at = tables.DateTimeColumn(verbose_name=_("Last change"), format="Y-m-d H:i")

    class Meta:
        model = MissionReport
        fields = ("visit_start", "country", "kind", "author", "status", "updated_at")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-visit_start",)
        per_page = 25

    def render_country(self, value):
        return value.name
