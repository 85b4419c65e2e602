"""The countries endpoint: every ISO 3166-1 country with its classifications and its published rank.

It lives with the ranking API because a country's representation carries its place in the published run,
which the countries app (to the left of priorities) cannot read.
"""

from django.db import models
from django.db.models import Exists, JSONField, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from countries.api import IndicatorValueSerializer
from countries.filtersets import CountryFilterSet, IndicatorValueFilterSet
from countries.models import Country, IndicatorValue, TreatyMembership

from ..models import RankingResult
from ..selectors import published_run


class ExcludedBecauseSerializer(serializers.Serializer):
    rule = serializers.CharField(
        help_text="oda, wipo, treaty or profile (empty for runs recorded before rules had codes)."
    )
    reason = serializers.CharField()


class TreatyMembershipSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_treaty_display", read_only=True)

    class Meta:
        model = TreatyMembership
        fields = ["treaty", "name", "in_force_date", "source_url"]
        extra_kwargs = {
            "treaty": {"help_text": "The treaty's code: " + ", ".join(TreatyMembership.Treaty.values) + "."},
            "in_force_date": {"help_text": "When the treaty entered into force for the country (WIPO Lex)."},
        }


class RankingStatus(models.TextChoices):
    RANKED = "ranked"
    INSUFFICIENT_DATA = "insufficient_data"
    EXCLUDED = "excluded"
    NOT_IN_RANKING = "not_in_ranking"


class CountrySerializer(serializers.ModelSerializer):
    score = serializers.FloatField(read_only=True, allow_null=True, help_text="Latest published score.")
    rank = serializers.IntegerField(read_only=True, allow_null=True, help_text="Latest published rank.")
    ranking_status = serializers.SerializerMethodField(
        help_text="Where the country stands in the published default ranking: ranked; insufficient_data (see "
        "`missing`); excluded from the candidate pool (see `excluded_because`); or not_in_ranking (no ranking is "
        "published, or the country was recorded after it was made)."
    )
    missing = serializers.SerializerMethodField(
        help_text="For insufficient_data: the criterion codes the country has no value for."
    )
    excluded_because = serializers.SerializerMethodField(
        help_text="For excluded: the candidate-pool rule (`oda`, `wipo`, `treaty`, `profile`) and the reason, as "
        "the run recorded them."
    )
    treaties = TreatyMembershipSerializer(
        source="treaty_memberships",
        many=True,
        read_only=True,
        help_text="The WIPO-administered treaties the country is a party to, oldest first (WIPO Lex, 2026-02-03). "
        "Member states of the EU and OAPI are covered by those organisations' Madrid, Hague and Marrakesh "
        "memberships, which are not listed per country.",
    )

    class Meta:
        model = Country
        fields = [
            "iso3",
            "iso2",
            "name",
            "name_ja",
            "region",
            "subregion",
            "income_group",
            "oda_category",
            "is_un_ldc",
            "wipo_member",
            "ip_office",
            "ip_office_url",
            "regional_ip_office",
            "treaties",
            "score",
            "rank",
            "ranking_status",
            "missing",
            "excluded_because",
        ]

    def _excluded(self, country: Country) -> dict[str, str] | None:
        return self.context.get("excluded", {}).get(country.iso3)

    @extend_schema_field(serializers.ChoiceField(choices=RankingStatus.values))
    def get_ranking_status(self, country: Country) -> str:
        if getattr(country, "rank", None) is not None:
            return RankingStatus.RANKED
        if self._excluded(country) is not None:
            return RankingStatus.EXCLUDED
        if getattr(country, "in_ranking", False):
            return RankingStatus.INSUFFICIENT_DATA
        return RankingStatus.NOT_IN_RANKING

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing(self, country: Country) -> list[str]:
        return list(getattr(country, "missing", None) or []) if getattr(country, "rank", None) is None else []

    @extend_schema_field(ExcludedBecauseSerializer(allow_null=True))
    def get_excluded_because(self, country: Country) -> dict[str, str] | None:
        entry = self._excluded(country)
        return {"rule": entry.get("rule", ""), "reason": entry["reason"]} if entry else None


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
        run = self.published = published_run()
        results = RankingResult.objects.filter(run=run, country=OuterRef("pk"))
        # Memberships come in their model's order: by country, then oldest first.
        return Country.objects.prefetch_related("treaty_memberships").annotate(
            score=Subquery(results.values("score")[:1]),
            rank=Subquery(results.values("rank")[:1]),
            in_ranking=Exists(results),
            missing=Subquery(results.values("missing")[:1], output_field=JSONField()),
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        run = getattr(self, "published", None)
        # The run's own record of whom its candidate pool left out, and why: already read with the run.
        context["excluded"] = {entry["iso3"]: entry for entry in (run.excluded if run else [])}
        return context

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
