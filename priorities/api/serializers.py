"""API representations of policy sources, weight profiles, ranking runs and their decision matrix (DESIGN §4)."""

import dataclasses

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from countries.models import Indicator
from hipoc.serializers import StrictSerializerMixin

from ..criteria import CONTEXT_PREFIX
from ..models import Aggregation, AreaResult, PolicyPriority, PolicySource, RankingResult, RankingRun, WeightProfile
from ..profile_settings import CONTEXT_MISSING, ContextTransform, Group, Kind
from ..profiles import CONTRIBUTION_MEANING


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
        fields = [
            "code",
            "name",
            "name_ja",
            "official_title",
            "official_title_ja",
            "title_ja_source",
            "issuer",
            "issued",
            "citation",
            "priorities",
        ]


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
    if kind == Kind.CONTEXT:
        return serializers.DictField(child=ContextOptionsSerializer(), **common)
    if kind == Kind.EXCLUSIONS:
        return serializers.DictField(child=serializers.CharField(allow_blank=True), **common)
    return serializers.JSONField(**common)


class ContextOptionsSerializer(serializers.Serializer):
    transform = serializers.ChoiceField(choices=ContextTransform.choices)
    max_age_years = serializers.IntegerField(allow_null=True, help_text="Oldest a latest value may be, in years.")
    missing = serializers.ChoiceField(
        choices=CONTEXT_MISSING,
        help_text="What a country without a current value gets: `profile` follows the imputation setting; `none` "
        "leaves it out of the pair's weights; `region` or `income_group` fills in that group's mean.",
    )


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


class DriverSerializer(serializers.Serializer):
    input = serializers.CharField(
        help_text="An input the Monte Carlo draws: `weight:<criterion or policy>`, `normalization`, `aggregation`, "
        "`top_k_areas`, `recency_half_life_days`, `evidence` (the country's own) or, from a Sobol analysis, "
        "`evidence_draw` (every country's)."
    )
    first_order = serializers.FloatField(
        help_text="Share of the variance of the country's rank this input explains on its own (first-order "
        "sensitivity index: from the run's Sobol analysis, or estimated from its Monte Carlo samples when it has "
        "none)."
    )
    total = serializers.FloatField(
        required=False,
        help_text="Its share with every interaction it is part of (total Sobol index); present when the run has a "
        "Sobol analysis, which then orders the drivers by it.",
    )


class RankingResultSerializer(serializers.ModelSerializer):
    iso3 = serializers.CharField(source="country_id")
    country = serializers.CharField(source="country.name")
    evidence = EvidenceSerializer(read_only=True)
    drivers = DriverSerializer(many=True, read_only=True)

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
            "drivers",
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
    ready_to_publish = serializers.BooleanField(
        read_only=True,
        help_text="An automatic run that succeeded and waits for staff to publish or discard it.",
    )
    identical_to = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The id of an earlier run with the same inputs digest, settings, method, samples, seed and code "
        "version, whose results this run's are; null if this run was computed afresh.",
    )

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
            "ready_to_publish",
            "identical_to",
            "created_at",
            "finished_at",
            "inputs_digest",
            "seed",
            "samples",
            "as_of",
            "code_version",
        ]


class UncertaintySerializer(serializers.Serializer):
    samples = serializers.IntegerField(help_text="Monte Carlo samples.")
    weights = serializers.DictField(help_text="How the weights are drawn: a Dirichlet around them, its concentration.")
    normalization = serializers.ListField(child=serializers.CharField(), help_text="Normalisations drawn among.")
    aggregation = serializers.ListField(child=serializers.CharField(), help_text="Aggregations drawn among.")
    top_k_areas = serializers.ListField(child=serializers.IntegerField(), help_text="Areas counted, drawn among.")
    recency_half_life_days = serializers.ListField(
        child=serializers.IntegerField(), help_text="Half-lives the evidence is read with, drawn among."
    )
    evidence = serializers.ListField(
        child=serializers.CharField(), help_text="Criteria whose estimates are drawn from their standard errors."
    )
    evidence_draws_per_score = serializers.IntegerField(
        help_text="Draws of the evidence over which each country's expected top-k score is taken."
    )


class RankingRunDetailSerializer(RankingRunSerializer):
    criteria = serializers.JSONField()
    excluded = serializers.JSONField()
    uncertainty = UncertaintySerializer(source="parameters.uncertainty", read_only=True)
    contributions_meaning = serializers.SerializerMethodField(
        help_text="What each result's `contributions` are under this run's aggregation."
    )
    results = serializers.SerializerMethodField()
    insufficient_data = serializers.SerializerMethodField()

    class Meta(RankingRunSerializer.Meta):
        fields = [
            *RankingRunSerializer.Meta.fields,
            "criteria",
            "uncertainty",
            "contributions_meaning",
            "excluded",
            "results",
            "insufficient_data",
        ]

    def get_contributions_meaning(self, run: RankingRun) -> str:
        return str(CONTRIBUTION_MEANING[run.method])

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
    raw = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Each criterion's value as the evidence gives it (for estimated criteria, the recency-weighted mean "
        "of what reports said); null where there is none.",
    )
    normalized = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="After transform (criteria[].transform), shrinkage toward the prior (estimated criteria), "
        "imputation and normalisation: benefit-oriented, comparable across criteria.",
    )
    values = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="The values the method combined: `normalized`, rescaled into [0.01, 1] for `wgm`. The score is "
        "computed from these alone (see `formula`).",
    )
    imputed = serializers.ListField(
        child=serializers.CharField(),
        help_text="Criteria whose value is not observed here: estimated criteria without enough evidence, at their "
        "prior, and values filled by the profile's imputation.",
    )
    sufficient = serializers.SerializerMethodField(
        help_text="Whether the pair has enough data of its own to be ranked (its score is null otherwise)."
    )
    evidence = PairEvidenceSerializer(read_only=True)

    class Meta:
        model = AreaResult
        fields = [
            "iso3",
            "area",
            "coverage",
            "sufficient",
            "raw",
            "normalized",
            "values",
            "imputed",
            "evidence",
            "score",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_sufficient(self, row: AreaResult) -> bool:
        return row.score is not None


MATRIX_FORMULA = {
    "wam": "score = Σ_j w_j v_j / Σ_j w_j, over the criteria j with a value v_j",
    "wgm": "score = exp(Σ_j w_j ln v_j / Σ_j w_j), over the criteria j with a value v_j (all in [0.01, 1])",
    "topsis": "score = D⁻ / (D⁺ + D⁻), D⁺ = √(Σ_j w_j² (v_j − ideal_j)²), D⁻ = √(Σ_j w_j² (v_j − anti_ideal_j)²), "
    "over the criteria j with a value v_j",
}


class MatrixSerializer(serializers.ModelSerializer):
    """Everything needed to recompute each pair's score from `values` and the criteria's weights, by `formula`.

    w_j is `criteria[j].weight`, v_j an alternative's `values[code]`. For `wam` the score is Σ w v / Σ w; for `wgm`
    exp(Σ w ln v / Σ w); for `topsis` D⁻ / (D⁺ + D⁻) with D⁺ = √(Σ w² (v − ideal)²) and D⁻ = √(Σ w² (v − anti_ideal)²),
    the sums over the criteria with a value. A country's score is the expected mean of its best k area scores over
    draws of the evidence (see the run's `uncertainty`), so it is not recomputed from one matrix.
    """

    criteria = serializers.JSONField(
        help_text="Per criterion: code, weight (they sum to 1), direction, goalposts `low` and `high` (null: the "
        "observed range), transform (`log1p` or `none`) and whether it is estimated from evidence."
    )
    formula = serializers.SerializerMethodField(help_text="How a pair's score follows from its `values`.")
    ideal = serializers.SerializerMethodField(
        help_text="Upper end of each criterion's normalised scale: TOPSIS's ideal point."
    )
    anti_ideal = serializers.SerializerMethodField(
        help_text="Lower end of each criterion's normalised scale: TOPSIS's anti-ideal point."
    )
    distribution = serializers.SerializerMethodField(
        help_text="Per criterion, over the ranked pairs: skewness and excess kurtosis as read (`raw_…`) and as scored "
        "(after transform and shrinkage), and whether COINr's rule (|skewness| > 2 and kurtosis > 3.5) flags them."
    )
    alternatives = MatrixAlternativeSerializer(source="area_results", many=True)
    parameters = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField(
        help_text="Per context criterion (`context.<indicator>`): the indicator's source, release and licence, which "
        "every use of its values must name (CC BY 4.0 for World Bank data); read as `parameters.context_transforms` "
        "says."
    )

    class Meta:
        model = RankingRun
        fields = [
            "id",
            "method",
            "normalization",
            "formula",
            "parameters",
            "criteria",
            "sources",
            "ideal",
            "anti_ideal",
            "distribution",
            "alternatives",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.DictField()))
    def get_distribution(self, run: RankingRun) -> dict:
        return run.scale.get("distribution", {})

    def get_formula(self, run: RankingRun) -> str:
        return MATRIX_FORMULA[run.method]

    @extend_schema_field(serializers.DictField(child=serializers.DictField(child=serializers.CharField())))
    def get_sources(self, run: RankingRun) -> dict:
        codes = [
            criterion["code"].removeprefix(CONTEXT_PREFIX)
            for criterion in run.criteria
            if criterion["code"].startswith(CONTEXT_PREFIX)
        ]
        if not codes:
            return {}
        return {
            f"{CONTEXT_PREFIX}{code}": {"indicator": name, "source": source, "vintage": vintage, "licence": licence}
            for code, name, source, vintage, licence in Indicator.objects.filter(code__in=codes).values_list(
                "code", "name", "source", "vintage", "licence"
            )
        }

    @extend_schema_field(serializers.DictField(child=serializers.FloatField(allow_null=True)))
    def get_ideal(self, run: RankingRun) -> dict:
        return run.scale.get("upper", {})

    @extend_schema_field(serializers.DictField(child=serializers.FloatField(allow_null=True)))
    def get_anti_ideal(self, run: RankingRun) -> dict:
        return run.scale.get("lower", {})

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
            "missing_values": "an estimated criterion without enough evidence sits at its prior (listed in `imputed`); "
            "any other missing value drops out and the other weights are rescaled to sum to 1",
        }


class MovedCountrySerializer(serializers.Serializer):
    iso3 = serializers.CharField()
    rank = serializers.IntegerField(help_text="Its rank in the run's baseline.")
    rank_without = serializers.IntegerField(help_text="Its rank without the group.")


class LeaveOneOutSerializer(serializers.Serializer):
    group = serializers.CharField(help_text="A weight group: a criterion code, or `policy` for all policy sources.")
    mean_shift = serializers.FloatField(allow_null=True, help_text="Mean absolute rank shift without the group.")
    moved = MovedCountrySerializer(many=True, help_text="The countries that move most (up to five).")


class StabilitySerializer(serializers.Serializer):
    group = serializers.CharField()
    share = serializers.FloatField(help_text="The group's share of the total weight.")
    low = serializers.FloatField(help_text="Lowest share (the others rescaled in proportion) keeping the top-10 set.")
    high = serializers.FloatField(help_text="Highest share keeping the top-10 set.")


class ReversalPairSerializer(serializers.Serializer):
    first = serializers.CharField(help_text="The country ahead before the removal and behind after it.")
    second = serializers.CharField()
    places = serializers.IntegerField(help_text="How many places apart they were before.")


class ReversalSerializer(serializers.Serializer):
    removed = serializers.CharField(help_text="The country taken out of the ranking.")
    kendall_tau = serializers.FloatField(
        allow_null=True, help_text="Kendall's τ between the others' order before and after (1: unchanged)."
    )
    reversals = serializers.IntegerField(help_text="Pairs of other countries whose order flips.")
    largest = ReversalPairSerializer(allow_null=True)


class EffectiveWeightSerializer(serializers.Serializer):
    code = serializers.CharField()
    nominal = serializers.FloatField(allow_null=True)
    effective = serializers.FloatField(
        allow_null=True,
        help_text="Share of the pair scores' variance the criterion explains (first-order index), scaled to sum to 1.",
    )


class DiagnosticsSerializer(serializers.Serializer):
    criteria = serializers.ListField(child=serializers.CharField())
    correlations = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(allow_null=True)),
        help_text="Pearson correlations of the criteria's normalised values over the ranked pairs.",
    )
    cronbach_alpha = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Cronbach's α of each family of criteria (policy, field, needs, history, context).",
    )
    effective_weights = EffectiveWeightSerializer(many=True)


class IndicesSerializer(serializers.Serializer):
    first = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="First-order Sobol index per input (in `inputs` order): the share of the variance it explains alone.",
    )
    total = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="Total Sobol index per input: its share with every interaction it is part of.",
    )
    first_conf = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="Half-width of each first-order index's interval."
    )
    total_conf = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="Half-width of each total index's interval."
    )


class CountrySensitivitySerializer(serializers.Serializer):
    iso3 = serializers.CharField()
    rank = IndicesSerializer(help_text="Indices of the country's rank.")
    score = IndicesSerializer(help_text="Indices of the country's score.")


class SensitivitySerializer(serializers.Serializer):
    inputs = serializers.ListField(
        child=serializers.CharField(),
        help_text="The Monte Carlo's uncertain inputs: `weight:<group>` for each weight group's weights, "
        "`normalization`, `aggregation`, `top_k_areas`, `recency_half_life_days` and `evidence_draw` (every "
        "country's evidence drawn from its estimates, as one input).",
    )
    base_samples = serializers.IntegerField(help_text="N; the Saltelli design holds 2N base samples.")
    evaluations = serializers.IntegerField(help_text="How many times the ranking was recomputed: (inputs + 2) × 2N.")
    confidence = serializers.FloatField(help_text="Level of the bootstrap confidence intervals.")
    tolerance = serializers.FloatField(help_text="Largest difference allowed between the indices at N and at 2N.")
    largest_difference = serializers.FloatField(
        allow_null=True, help_text="Largest difference of any index between N and 2N base samples."
    )
    converged = serializers.BooleanField(help_text="Whether the largest difference is within the tolerance.")
    countries = CountrySensitivitySerializer(many=True, help_text="Ranked countries, best rank first.")


class RobustnessSerializer(serializers.ModelSerializer):
    """How the run's ranking stands up to one change at a time, computed with the evidence at its estimates: without
    each weight group, with each group's share of the weight moved, without each of the top 20 countries; what
    the criteria are like; and, over the Monte Carlo's own uncertain inputs, which of them each rank depends on."""

    leave_one_out = LeaveOneOutSerializer(source="robustness.leave_one_out", many=True, read_only=True)
    stability = StabilitySerializer(source="robustness.stability", many=True, read_only=True)
    rank_reversal = ReversalSerializer(source="robustness.rank_reversal", many=True, read_only=True)
    diagnostics = DiagnosticsSerializer(source="robustness.diagnostics", read_only=True)
    sensitivity = serializers.SerializerMethodField(
        help_text="Variance-based (Sobol) sensitivity of each country's rank and score to each uncertain input of "
        "the Monte Carlo, with bootstrap intervals and a convergence check; null when the run has none."
    )

    class Meta:
        model = RankingRun
        fields = ["id", "leave_one_out", "stability", "rank_reversal", "diagnostics", "sensitivity"]

    @extend_schema_field(SensitivitySerializer(allow_null=True))
    def get_sensitivity(self, run: RankingRun) -> dict | None:
        return (run.robustness or {}).get("sensitivity")


class StartRunSerializer(StrictSerializerMixin, serializers.Serializer):
    profile = serializers.SlugRelatedField(slug_field="slug", queryset=WeightProfile.objects.all(), required=False)
    method = serializers.ChoiceField(choices=Aggregation.choices, required=False)
    samples = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    # The seed is stored in a signed 64-bit column.
    seed = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False)
