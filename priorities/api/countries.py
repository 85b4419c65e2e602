"""The countries endpoint: every ISO 3166-1 country with its classifications and its published rank.

It lives with the ranking API because a country's representation carries its place in the published run,
which the countries app (to the left of priorities) cannot read.
"""

from django.db.models import OuterRef, Subquery
from rest_framework import serializers, viewsets

from countries.filtersets import CountryFilterSet
from countries.models import Country

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
        if getattr(self, "swagger_fake_view", False):  # schema generation needs no database
            return Country.objects.none()
        run = published_run()
        results = RankingResult.objects.filter(run=run, country=OuterRef("pk"))
        return Country.objects.annotate(
            score=Subquery(results.values("score")[:1]), rank=Subquery(results.values("rank")[:1])
        )
