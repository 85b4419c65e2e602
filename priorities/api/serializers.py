"""API representations of policy sources, weight profiles, ranking runs and their decision matrix (DESIGN §4)."""

import dataclasses

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hipoc.serializers import StrictSerializerMixin

from ..models import Aggregation, AreaResult, PolicyPriority, PolicySource, RankingResult, RankingRun, WeightProfile
from ..profile_settings import Group, Kind


class PolicyPrioritySerializer(serializers.ModelSerializer):
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    countries = serializers.SlugRelatedField(slug_field="iso3", many=True, read_only=True)
    country_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = PolicyPriority
        fields = ["code", "title", "summary", "citation", "verified", "areas", "countries", "country_groups"]


class PolicySourceSerializer(serializers.ModelSerializer):
    priorities = PolicyPrioritySerializer(many=True, read_only=True)

    class Meta:
        model = PolicySource
        fields = ["code", "name", "official_title", "issuer", "issued", "citation", "priorities"]


def setting_serializer_field(spec: dataclasses.Field) -> serializers.Field:
    """A read-only API field for one profile setting, typed from its kind so that the schema describes it."""
    meta = spec.metadata
    common = {"source": f"config.{spec.name}", "read_only": True, "help_text": str(meta["help_text"] or meta["label"])}
    kind = meta["kind"]
    if kind == Kind.CHOICE:
        return serializers.ChoiceField(choices=meta["choices"].choices, **common)
    if kind == Kind.INTEGER:
        return serializers.IntegerField(**common)
    if kind == Kind.NUMBER:
        return serializers.FloatField(**common)
    if kind == Kind.FLAG:
        return serializers.BooleanField(**common)
    if kind == Kind.WEIGHTS:
        return serializers.DictField(child=serializers.FloatField(), **common)
    if kind == Kind.DIRECTIONS:
        return serializers.DictField(child=serializers.ChoiceField(choices=["benefit", "cost"]), **common)
    if kind == Kind.CODES:
        return serializers.ListField(child=serializers.CharField(), **common)
    return serializers.JSONField(**common)


class WeightProfileSerializer(serializers.ModelSerializer):
    """A profile: its identity, then one field per setting of ProfileSettings."""

    class Meta:
        model = WeightProfile
        fields = ["slug", "name", "description", "version", "is_default"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for spec in WeightProfile.settings_class.specs():
            fields[spec.name] = setting_serializer_field(spec)
        return fields


class EvidenceSerializer(serializers.Serializer):
    amount = serializers.FloatField(
        help_text="Effective amount of evidence: the reviewed reports' recency weights added up (a fresh report "
        "counts 1, one a half-life old 0.5)."
    )
    reports = serializers.IntegerField(help_text="Reviewed mission reports behind it.")
    latest = serializers.DateField(allow_null=True, help_text="Date of the latest evidence (report or need).")


class PairEvidenceSerializer(EvidenceSerializer):
    standard_error = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Standard error of each estimated criterion's value, on the criterion's transformed scale.",
    )


class RankingResultSerializer(serializers.ModelSerializer):
    iso3 = serializers.CharField(source="country_id")
    country = serializers.CharField(source="country.name")
    evidence = EvidenceSerializer(read_only=True)

    class Meta:
        model = RankingResult
        fields = [
            "rank",
            "iso3",
            "country",
            "score",
            "rank_p05",
            "rank_median",
            "rank_p95",
            "p_top10",
            "previous_rank",
            "contributions",
            "top_areas",
            "evidence",
        ]


class InsufficientSerializer(serializers.Serializer):
    iso3 = serializers.CharField(source="country_id")
    country = serializers.CharField(source="country.name")
    missing = serializers.ListField(child=serializers.CharField())
    evidence = EvidenceSerializer(read_only=True)


class AreaRankingSerializer(serializers.ModelSerializer):
    rank = serializers.IntegerField(source="rank_in_area")
    iso3 = serializers.CharField(source="country_id")
    country = serializers.CharField(source="country.name")

    class Meta:
        model = AreaResult
        fields = ["rank", "iso3", "country", "score", "rank_p05", "rank_median", "rank_p95", "p_top10", "contributions"]


class RankingRunSerializer(serializers.ModelSerializer):
    profile = serializers.CharField(source="profile_slug")
    published = serializers.BooleanField(source="is_published")

    class Meta:
        model = RankingRun
        fields = [
            "id",
            "profile",
            "method",
            "normalization",
            "status",
            "progress",
            "published",
            "created_at",
            "finished_at",
            "inputs_digest",
            "seed",
            "samples",
            "as_of",
            "code_version",
        ]


class RankingRunDetailSerializer(RankingRunSerializer):
    criteria = serializers.JSONField()
    excluded = serializers.JSONField()
    results = serializers.SerializerMethodField()
    insufficient_data = serializers.SerializerMethodField()

    class Meta(RankingRunSerializer.Meta):
        fields = [*RankingRunSerializer.Meta.fields, "criteria", "excluded", "results", "insufficient_data"]

    def _area(self) -> str | None:
        return self.context.get("area")

    @extend_schema_field(RankingResultSerializer(many=True))
    def get_results(self, run: RankingRun) -> list[dict]:
        area = self._area()
        if area:
            in_area = [row for row in run.area_results.all() if row.area.code == area and row.rank_in_area is not None]
            in_area.sort(key=lambda row: row.rank_in_area or 0)
            return AreaRankingSerializer(in_area, many=True).data
        ranked = sorted((row for row in run.results.all() if row.rank is not None), key=lambda row: row.rank or 0)
        return RankingResultSerializer(ranked, many=True).data

    @extend_schema_field(InsufficientSerializer(many=True))
    def get_insufficient_data(self, run: RankingRun) -> list[dict]:
        rows = [row for row in run.results.all() if row.rank is None]
        return InsufficientSerializer(rows, many=True).data


class MatrixAlternativeSerializer(serializers.ModelSerializer):
    iso3 = serializers.CharField(source="country_id")
    area = serializers.CharField(source="area.code")
    evidence = PairEvidenceSerializer(read_only=True)

    class Meta:
        model = AreaResult
        fields = ["iso3", "area", "coverage", "raw", "normalized", "values", "imputed", "evidence", "score"]


class MatrixSerializer(serializers.ModelSerializer):
    """Everything needed to recompute each score: score = Σ w·x over the criteria present / Σ w over them."""

    criteria = serializers.JSONField()
    alternatives = MatrixAlternativeSerializer(source="area_results", many=True)
    parameters = serializers.SerializerMethodField()

    class Meta:
        model = RankingRun
        fields = ["id", "method", "normalization", "parameters", "criteria", "alternatives"]

    def get_parameters(self, run: RankingRun) -> dict:
        """The run's method and candidate-pool settings (its weights are the criteria), samples, seed and date."""
        settings_class = WeightProfile.settings_class
        settings = settings_class.from_snapshot(run.profile_settings).to_json()
        # The settings that shape the weights are left out: the run's criteria carry their outcome.
        shaping_weights = set(settings_class.names(group=Group.WEIGHTS))
        return {
            **{name: value for name, value in settings.items() if name not in shaping_weights},
            "samples": run.samples,
            "seed": run.seed,
            "as_of": run.as_of.isoformat(),
            "missing_values": "a missing value drops out and the other weights are rescaled to sum to 1",
        }


class StartRunSerializer(StrictSerializerMixin, serializers.Serializer):
    profile = serializers.SlugRelatedField(slug_field="slug", queryset=WeightProfile.objects.all(), required=False)
    method = serializers.ChoiceField(choices=Aggregation.choices, required=False)
    samples = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    # The seed is stored in a signed 64-bit column.
    seed = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False)
