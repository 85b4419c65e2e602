"""API representations of webhook endpoints and their delivery log."""

from rest_framework import serializers

from accounts.models import User
from accounts.roles import PARTNER_SYSTEM
from hipoc.serializers import StrictSerializerMixin

from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..targets import public_webhook_url


class WebhookEndpointSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    partner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(groups__name=PARTNER_SYSTEM),
        help_text="Username of the partner-system account the endpoint belongs to.",
    )
    url = serializers.URLField(
        max_length=500,
        validators=[public_webhook_url],
        help_text="An https:// address on the public internet: private, loopback and link-local addresses are "
        "refused here and again at each delivery.",
    )
    secret = serializers.CharField(
        read_only=True, help_text="HMAC-SHA256 key the notices are signed with; give it to the partner."
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "partner", "url", "description", "is_active", "secret", "created_at"]
        read_only_fields = ["id", "secret", "created_at"]


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "attempted_at", "status_code", "error", "duration_ms"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    attempts = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "run",
            "status",
            "attempt_count",
            "next_attempt_at",
            "created_at",
            "delivered_at",
            "attempts",
        ]
