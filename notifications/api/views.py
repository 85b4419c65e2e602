"""Staff register partners' webhook endpoints and read the delivery log; no one else sees them."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..services import webhook_endpoint_register
from .serializers import WebhookDeliverySerializer, WebhookEndpointSerializer


class WebhookEndpointViewSet(viewsets.ModelViewSet):
    """Partners' webhook endpoints, told when a ranking is published (JPO staff only)."""

    serializer_class = WebhookEndpointSerializer
    rules = {"*": {"list": "notifications.manage_webhooks"}}
    filterset_fields = ["is_active"]
    ordering_fields = ["created_at", "url"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        if self.action == "deliveries":
            return WebhookEndpoint.objects.all()
        return WebhookEndpoint.objects.select_related("partner")

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = webhook_endpoint_register(
            partner=data["partner"], url=data["url"], description=data.get("description", ""), by=self.request.user
        )

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True)
    def deliveries(self, request: Request, pk=None) -> Response:
        """The delivery log of one endpoint: each notice with its attempts, newest first."""
        endpoint = self.get_object()
        deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related(
            Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("number"))
        )
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
