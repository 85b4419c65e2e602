"""The indicators endpoint: every context indicator with its source, release, licence and coverage."""

from rest_framework import serializers, viewsets

from .filtersets import IndicatorFilterSet
from .models import Indicator, IndicatorValue
from .selectors import indicators_overview


class IndicatorSerializer(serializers.ModelSerializer):
    countries_covered = serializers.IntegerField(read_only=True, help_text="Countries with at least one value.")
    first_year = serializers.IntegerField(read_only=True, allow_null=True)
    latest_year = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "description",
            "source",
            "source_url",
            "vintage",
            "licence",
            "countries_covered",
            "first_year",
            "latest_year",
        ]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True, help_text="The indicator's code.")
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    source = serializers.SerializerMethodField(help_text="Who published the value, with the release.")
    licence = serializers.CharField(source="indicator.licence", read_only=True, help_text="Terms the value is under.")

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "indicator_name", "year", "value", "unit", "source", "licence"]

    def get_source(self, value: IndicatorValue) -> str:
        indicator = value.indicator
        source = value.source or indicator.source
        if indicator.vintage and indicator.vintage not in source:
            source = f"{source} ({indicator.vintage})" if source else indicator.vintage
        return source


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Context indicators with the source, release and licence every use of their values must name."""

    serializer_class = IndicatorSerializer
    rules = {"*": {"list": "countries.browse_indicators"}}
    filterset_class = IndicatorFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9][A-Za-z0-9._-]*"
    ordering_fields = ["code", "name", "latest_year", "countries_covered"]
    ordering = ["name"]

    def get_queryset(self):
        return indicators_overview()
