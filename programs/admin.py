from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AreaAssessment,
    CooperationActivity,
    CooperationArea,
    CooperationProgram,
    ImplementingPartner,
    MissionReport,
    StakeholderGroup,
    StakeholderNeed,
)


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "position")
    search_fields = ("code", "name")


@admin.register(CooperationArea)
class CooperationAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "stakeholder_group", "position")
    list_filter = ("stakeholder_group",)
    search_fields = ("code", "name")
    list_select_related = ("stakeholder_group",)


@admin.register(ImplementingPartner)
class ImplementingPartnerAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class CooperationActivityInline(admin.TabularInline):
    model = CooperationActivity
    extra = 0
    autocomplete_fields = ("country",)


@admin.register(CooperationProgram)
class CooperationProgramAdmin(admin.ModelAdmin):
    list_display = ("title", "program_type", "status", "stage", "start_date", "end_date", "budget_jpy")
    list_filter = ("program_type", "status", "stage", "areas", "partners")
    search_fields = ("title", "description", "countries__name", "countries__iso3")
    date_hierarchy = "start_date"
    filter_horizontal = ("countries", "areas", "stakeholder_groups", "partners")
    inlines = [CooperationActivityInline]


@admin.register(CooperationActivity)
class CooperationActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "program", "country", "area", "start_date", "participants")
    list_filter = ("kind", "area")
    search_fields = ("title", "program__title", "country__name", "country__iso3")
    list_select_related = ("program", "country", "area")
    autocomplete_fields = ("country",)
    date_hierarchy = "start_date"


class AreaAssessmentInline(admin.TabularInline):
    model = AreaAssessment
    extra = 0


@admin.register(MissionReport)
class MissionReportAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "kind", "country", "author", "status", "visit_start", "visit_end", "reviewer")
    list_filter = ("kind", "status", "country__region")
    search_fields = ("summary", "recommendations", "country__name", "country__iso3", "author__username")
    list_select_related = ("country", "author", "reviewer")
    autocomplete_fields = ("country",)
    date_hierarchy = "visit_start"
    inlines = [AreaAssessmentInline]


@admin.register(AreaAssessment)
class AreaAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("report", "area", "need_level", "readiness", "commitment")
    list_filter = ("area", "need_level", "readiness", "commitment")
    search_fields = ("report__country__name", "report__country__iso3", "comment")
    list_select_related = ("report__country", "area")


@admin.register(StakeholderNeed)
class StakeholderNeedAdmin(SimpleHistoryAdmin):
    list_display = ("country", "area", "stakeholder_group", "urgency", "source", "status", "raised_on")
    list_filter = ("status", "source", "urgency", "area", "stakeholder_group")
    search_fields = ("description", "country__name", "country__iso3")
    list_select_related = ("country", "area", "stakeholder_group")
    autocomplete_fields = ("country",)
    date_hierarchy = "raised_on"
