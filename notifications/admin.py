from django.contrib import admin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "partner", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "partner__username", "description")
    list_select_related = ("partner",)
    readonly_fields = ("created_by", "created_at")


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "attempted_at", "status_code", "error", "duration_ms")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read only, written by the delivery task."""

    list_display = ("id", "event", "run", "endpoint", "status", "attempt_count", "created_at", "delivered_at")
    list_filter = ("status", "event")
    list_select_related = ("endpoint__partner", "run")
    readonly_fields = (
        "endpoint",
        "run",
        "event",
        "payload",
        "status",
        "attempt_count",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    )
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False
