"""The countries endpoint: every ISO 3166-1 country with its classifications and its published rank.

It lives with the ranking API because a country's representation carries its place in the published run,
which the countries app (to the left of priorities) cannot read.
"""

from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from countries.api import IndicatorValueSerializer
from countries.filtersets import CountryFilterSet, IndicatorValueFilterSet
from countries.models import Country, IndicatorValue

from ..models import RankingResult
from ..selectors import published_run


class CountrySerializer(serializers.ModelSerializer):
    score = serializers.FloatField(read_only=True, allow_null=True, help_text="Latest published score.")
    rank = serializers.IntegerField(read_only=True, allow_null=True, help_text="Latest published rank.")

    class Meta:
        model = Country
        fields = [
            "iso3",
            "iso2",
            "name",
            "region",
            "subregion",
            "income_group",
            "oda_category",
            "is_un_ldc",
            "wipo_member",
            "ip_office",
            "score",
            "rank",
        ]


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """Every ISO 3166-1 country with its classifications and its place in the published default ranking."""

    serializer_class = CountrySerializer
    rules = {"*": {"list": "priorities.browse_rankings"}}
    filterset_class = CountryFilterSet
    lookup_field = "iso3"
    ordering_fields = ["name", "rank", "score"]
    ordering = ["name"]

    def get_queryset(self):
        if getattr(self, "action", None) == "indicators":
            return IndicatorValue.objects.filter(country_id=self.kwargs.get("iso3")).select_related("indicator")
        if getattr(self, "swagger_fake_view", False):  # schema generation needs no database
            return Country.objects.none()
        run = published_run()
        results = RankingResult.objects.filter(run=run, country=OuterRef("pk"))
        return Country.objects.annotate(
            score=Subquery(results.values("score")[:1]), rank=Subquery(results.values("rank")[:1])
        )

    @extend_schema(
        responses=IndicatorValueSerializer(many=True),
        filters=True,
        parameters=[OpenApiParameter("iso3", str, OpenApiParameter.PATH, description="ISO 3166-1 alpha-3 code.")],
        description="The country's context indicator series, oldest year first within each indicator, each value "
        "with its source and licence.",
    )
    @action(
        detail=True, url_path="indicators", filterset_class=IndicatorValueFilterSet, ordering_fields=[], ordering=[]
    )
    def indicators(self, request, iso3=None):
        get_object_or_404(Country, iso3=iso3)
        filterset = IndicatorValueFilterSet(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs.order_by("indicator__code", "year"))
        return self.get_paginated_response(IndicatorValueSerializer(page, many=True).data)
