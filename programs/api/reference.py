"""Read-only API for the cooperation vocabulary and programs, open to every role."""

from rest_framework import serializers, viewsets

from ..filtersets import CooperationProgramFilterSet
from ..models import CooperationArea, CooperationProgram


class CooperationAreaSerializer(serializers.ModelSerializer):
    stakeholder_group = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CooperationArea
        fields = ["code", "name", "description", "stakeholder_group"]


class CooperationAreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Cooperation areas, referred to everywhere by their code."""

    serializer_class = CooperationAreaSerializer
    rules = {"*": {"list": "programs.browse_programs"}}
    queryset = CooperationArea.objects.select_related("stakeholder_group")
    lookup_field = "code"
    pagination_class = None
    filter_backends: list[type] = []


class CooperationProgramSerializer(serializers.ModelSerializer):
    countries = serializers.SlugRelatedField(slug_field="iso3", many=True, read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    partners = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    type = serializers.CharField(source="program_type", read_only=True)

    class Meta:
        model = CooperationProgram
        fields = [
            "id",
            "title",
            "type",
            "status",
            "stage",
            "countries",
            "areas",
            "partners",
            "start_date",
            "end_date",
            "budget_jpy",
        ]


class CooperationProgramViewSet(viewsets.ReadOnlyModelViewSet):
    """Cooperation programs with their countries, areas and stage on the independence ladder."""

    serializer_class = CooperationProgramSerializer
    rules = {"*": {"list": "programs.browse_programs"}}
    filterset_class = CooperationProgramFilterSet
    ordering_fields = ["start_date", "title"]
    ordering = ["-start_date", "id"]

    def get_queryset(self):
        return CooperationProgram.objects.prefetch_related("countries", "areas", "partners").distinct()
