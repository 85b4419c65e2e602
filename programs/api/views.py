"""API viewsets for the experts' workflow: the same services and rules as the pages."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from hipoc.schema import CONFLICT, PRECONDITION_FAILED

from ..filtersets import MissionReportFilterSet, StakeholderNeedFilterSet
from ..models import MissionReport, StakeholderNeed
from ..selectors import needs_visible_to, reports_visible_to
from ..services import (
    mission_report_create,
    mission_report_delete,
    mission_report_submit,
    mission_report_update,
    need_change_status,
    need_create,
    need_update,
)
from .serializers import MissionReportSerializer, StakeholderNeedSerializer


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The report changed since the ETag you sent in If-Match; read it again."


def report_etag(report: MissionReport) -> str:
    return f'"report-{report.pk}-v{report.version}"'


class MissionReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Mission reports: experts see and change their own drafts, staff read all. Partner systems: 403.

    A report is replaced whole with PUT, carrying the version read; PATCH is not offered.
    """

    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    serializer_class = MissionReportSerializer
    filterset_class = MissionReportFilterSet
    ordering_fields = ["visit_start", "updated_at", "country"]
    ordering = ["-visit_start"]
    rules = {
        "list": {"list": "programs.list_reports"},
        "retrieve": {"list": "programs.list_reports", "object": "programs.read_report"},
        "create": {"list": "programs.file_report"},
        "update": {"list": "programs.list_reports", "object": "programs.change_own_report"},
        "destroy": {"list": "programs.list_reports", "object": "programs.change_own_report"},
        "submit": {"list": "programs.list_reports", "object": "programs.change_own_report"},
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return MissionReport.objects.none()
        if self.action == "list":
            return reports_visible_to(self.request.user).prefetch_related(
                "assessments__area", "needs__area", "needs__stakeholder_group"
            )
        return MissionReport.objects.select_related("country", "author").prefetch_related(
            "assessments__area", "needs__area", "needs__stakeholder_group"
        )

    def perform_create(self, serializer) -> None:
        serializer.instance = mission_report_create(
            author=self.request.user,
            fields=serializer.report_fields(),
            assessments=serializer.assessment_rows(),
            needs=serializer.need_rows(),
        )

    @extend_schema(responses={200: MissionReportSerializer})
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        report = self.get_object()
        return Response(self.get_serializer(report).data, headers={"ETag": report_etag(report)})

    @extend_schema(responses={200: MissionReportSerializer, 409: CONFLICT, 412: PRECONDITION_FAILED})
    def update(self, request: Request, *args, **kwargs) -> Response:
        report = self.get_object()
        if_match = request.headers.get("If-Match")
        if if_match and report_etag(report) not in [tag.strip() for tag in if_match.split(",")] and if_match != "*":
            raise PreconditionFailed()
        serializer = self.get_serializer(report, data=request.data, partial=False)
        serializer.is_valid(raise_exception=True)
        version = serializer.validated_data.get("version")
        if version is None:
            raise ValidationError({"version": ["Send the version you read."]})
        report = mission_report_update(
            report=report,
            by=request.user,
            version=version,
            fields=serializer.report_fields(),
            assessments=serializer.assessment_rows(),
            needs=serializer.need_rows(),
        )
        report = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(report).data, headers={"ETag": report_etag(report)})

    def perform_destroy(self, instance: MissionReport) -> None:
        mission_report_delete(report=instance, by=self.request.user)

    @extend_schema(request=None, responses=MissionReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        report = self.get_object()
        report = mission_report_submit(report=report, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)


class StakeholderNeedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Stakeholder needs: experts see and change those they recorded, staff all. Partner systems: 403."""

    serializer_class = StakeholderNeedSerializer
    filterset_class = StakeholderNeedFilterSet
    ordering_fields = ["raised_on", "urgency", "country"]
    ordering = ["-raised_on"]
    rules = {
        "list": {"list": "programs.list_needs"},
        "retrieve": {"list": "programs.list_needs", "object": "programs.read_need"},
        "create": {"list": "programs.record_need"},
        "update": {"list": "programs.list_needs", "object": "programs.edit_need"},
        "partial_update": {"list": "programs.list_needs", "object": "programs.edit_need"},
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return StakeholderNeed.objects.none()
        if self.action == "list":
            return needs_visible_to(self.request.user)
        return StakeholderNeed.objects.select_related("country", "area", "stakeholder_group", "report__author")

    def perform_create(self, serializer) -> None:
        serializer.instance = need_create(by=self.request.user, record=serializer.record())

    def perform_update(self, serializer) -> None:
        need = serializer.instance
        new_status = serializer.validated_data.get("status")
        # Both changes or neither: a refused status change must not leave the edit half-written.
        with transaction.atomic():
            need = need_update(need=need, by=self.request.user, changes=serializer.changes())
            if new_status and new_status != need.status:
                need = need_change_status(need=need, by=self.request.user, status=new_status)
        serializer.instance = need
