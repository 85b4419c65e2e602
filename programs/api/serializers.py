"""API representations of mission reports and stakeholder needs (DESIGN §4). Writes go through the services."""

from rest_framework import serializers

from countries.models import Country
from hipoc.serializers import StrictSerializerMixin

from ..models import (
    AreaAssessment,
    CooperationArea,
    MissionReport,
    NeedSource,
    StakeholderGroup,
    StakeholderNeed,
)
from ..services import AssessmentFields, NeedFields, NeedRecord, ReportFields
from ..services.reports import MAX_ROWS_PER_REPORT


class AreaAssessmentSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=CooperationArea.objects.all())
    need_level = serializers.IntegerField(min_value=1, max_value=5)
    readiness = serializers.IntegerField(min_value=1, max_value=5)
    commitment = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    class Meta:
        model = AreaAssessment
        fields = ["area", "need_level", "readiness", "commitment", "comment"]


class ReportNeedSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=CooperationArea.objects.all())
    stakeholder_group = serializers.SlugRelatedField(slug_field="code", queryset=StakeholderGroup.objects.all())
    description = serializers.CharField(max_length=5000)
    urgency = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = StakeholderNeed
        fields = ["area", "stakeholder_group", "description", "urgency"]


class MissionReportSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso3", queryset=Country.objects.all())
    author = serializers.CharField(source="author.username", read_only=True)
    summary = serializers.CharField(max_length=10000)
    recommendations = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    assessments = AreaAssessmentSerializer(many=True, required=False, default=list, max_length=MAX_ROWS_PER_REPORT)
    needs = ReportNeedSerializer(many=True, required=False, default=list, max_length=MAX_ROWS_PER_REPORT)
    version = serializers.IntegerField(
        required=False, help_text="The version you read; required when updating, so no one's change is lost."
    )

    class Meta:
        model = MissionReport
        fields = [
            "id",
            "kind",
            "country",
            "visit_start",
            "visit_end",
            "summary",
            "recommendations",
            "status",
            "author",
            "review_comment",
            "version",
            "assessments",
            "needs",
        ]
        read_only_fields = ["id", "status", "author", "review_comment"]

    def report_fields(self) -> ReportFields:
        return ReportFields.from_mapping(self.validated_data)

    def assessment_rows(self) -> list[AssessmentFields]:
        return [AssessmentFields(**row) for row in self.validated_data.get("assessments", [])]

    def need_rows(self) -> list[NeedFields]:
        return [NeedFields(**row) for row in self.validated_data.get("needs", [])]


class StakeholderNeedSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso3", queryset=Country.objects.all())
    area = serializers.SlugRelatedField(slug_field="code", queryset=CooperationArea.objects.all())
    stakeholder_group = serializers.SlugRelatedField(slug_field="code", queryset=StakeholderGroup.objects.all())
    description = serializers.CharField(max_length=5000)
    urgency = serializers.IntegerField(min_value=1, max_value=5)
    source = serializers.ChoiceField(choices=NeedSource.choices, default=NeedSource.OTHER)

    class Meta:
        model = StakeholderNeed
        fields = [
            "id",
            "country",
            "area",
            "stakeholder_group",
            "description",
            "urgency",
            "source",
            "raised_on",
            "status",
            "report",
        ]
        read_only_fields = ["id", "report"]

    def record(self) -> NeedRecord:
        """A new need's details, as sent."""
        data = dict(self.validated_data)
        data.pop("status", None)
        return NeedRecord(**data)

    def changes(self) -> dict:
        """The details sent, and only those (a PATCH sends some): the service applies them to the row as it is
        when locked, not as this request read it."""
        return {name: value for name, value in self.validated_data.items() if name != "status"}
