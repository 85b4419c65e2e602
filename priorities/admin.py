from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PolicyPriority, PolicyPriorityArea, PolicySource, WeightProfile


@admin.register(PolicySource)
class PolicySourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "issuer", "issued", "position")
    search_fields = ("code", "name", "official_title", "summary")


class PolicyPriorityAreaInline(admin.TabularInline):
    model = PolicyPriorityArea
    extra = 0


@admin.register(PolicyPriority)
class PolicyPriorityAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "source", "parent", "verified")
    list_filter = ("source", "verified", "areas", "country_groups")
    search_fields = ("code", "title", "summary", "citation")
    list_select_related = ("source", "parent")
    filter_horizontal = ("countries", "country_groups")
    inlines = [PolicyPriorityAreaInline]


@admin.register(WeightProfile)
class WeightProfileAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "version", "is_default", "updated_at")
    list_filter = ("is_default",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
