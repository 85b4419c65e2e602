from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from .models import ActionRule, ActionTemplate, Commitment, FundingPool, Plan, RegionLimit
from .resources import ActionTemplateResource


@admin.register(ActionTemplate)
class ActionTemplateAdmin(ImportExportModelAdmin):
    resource_classes = [ActionTemplateResource]
    list_display = ("code", "area", "kind", "cost_jpy", "expert_days", "duration_days", "required_stage", "is_active")
    list_filter = ("kind", "area", "required_stage", "is_active")
    search_fields = ("code", "name", "name_ja")
    list_select_related = ("area",)


class FundingPoolInline(admin.TabularInline):
    model = FundingPool
    extra = 0


class RegionLimitInline(admin.TabularInline):
    model = RegionLimit
    extra = 0


class ActionRuleInline(admin.TabularInline):
    model = ActionRule
    extra = 0
    autocomplete_fields = ("country", "template")


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    raw_id_fields = ("program",)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "fiscal_year", "run", "status", "shared", "computed_at")
    list_filter = ("status", "fiscal_year", "shared")
    inlines = [FundingPoolInline, RegionLimitInline, ActionRuleInline, CommitmentInline]
    readonly_fields = ("status", "progress", "inputs", "outcome", "error", "computed_at")
    raw_id_fields = ("run",)
