"""Cooperation plans over the API, read-only: staff read every plan; partner systems the computed plans staff marked
as shared, with their chosen actions and, for a robust plan, how often each action was chosen across the samples."""

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from .models import FundingPool, Plan, PlannedAction, PlanStatus, RegionLimit


class FundingPoolSerializer(serializers.ModelSerializer):
    used_jpy = serializers.SerializerMethodField(help_text="What the chosen actions cost from this pool.")

    class Meta:
        model = FundingPool
        fields = ["code", "name", "limit_jpy", "kinds", "used_jpy"]

    def get_used_jpy(self, pool: FundingPool) -> int | None:
        return (pool.plan.outcome or {}).get("pool_used_jpy", {}).get(pool.code)


class RegionLimitSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegionLimit
        fields = ["region", "minimum_jpy", "maximum_jpy"]


class PlannedActionSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", help_text="ISO 3166-1 alpha-3 code.")
    country_name = serializers.CharField(source="country.name")
    action = serializers.CharField(source="template.code", help_text="The action template's code.")
    action_name = serializers.CharField(source="template.name")
    area = serializers.CharField(source="template.area.code", help_text="The cooperation area's code.")
    kind = serializers.CharField(source="template.kind")
    pool = serializers.CharField(source="pool.code", allow_null=True, help_text="The pool paying for it, if chosen.")
    probability = serializers.FloatField(
        allow_null=True, help_text="Share of the Monte Carlo samples whose plan chose it (null: not solved under them)."
    )

    class Meta:
        model = PlannedAction
        fields = [
            "country",
            "country_name",
            "action",
            "action_name",
            "area",
            "kind",
            "value",
            "cost_jpy",
            "expert_days",
            "pool",
            "chosen",
            "probability",
        ]


class PlanSerializer(serializers.ModelSerializer):
    run = serializers.IntegerField(source="run_id", help_text="The published ranking run the plan is over.")
    value = serializers.SerializerMethodField(help_text="The chosen actions' total value (null until solved).")

    class Meta:
        model = Plan
        fields = ["id", "name", "fiscal_year", "run", "status", "shared", "value", "computed_at"]

    def get_value(self, plan: Plan) -> float | None:
        return (plan.outcome or {}).get("value")


class RobustSerializer(serializers.Serializer):
    samples = serializers.IntegerField()
    expected_value = serializers.FloatField()
    regret = serializers.FloatField(help_text="How much more each sample's own plan is worth there, on average.")
    regret_share = serializers.FloatField()
    regret_p90 = serializers.FloatField()
    regret_at_most = serializers.FloatField(
        allow_null=True,
        required=False,
        help_text="The most each sample's best possible plan could be worth over this one, on average, as proved.",
    )
    almost_always = serializers.IntegerField(help_text="Actions chosen in 90% of the samples or more.")
    on_the_edge = serializers.IntegerField(help_text="Actions chosen in more than 10% and less than 90%.")
    samples_stopped_early = serializers.IntegerField()


class PlanDetailSerializer(PlanSerializer):
    pools = FundingPoolSerializer(many=True)
    region_limits = RegionLimitSerializer(many=True)
    expert_days_used = serializers.SerializerMethodField()
    gap = serializers.SerializerMethodField(help_text="How far below the best possible value it may be (0: optimal).")
    robust = serializers.SerializerMethodField()
    actions = PlannedActionSerializer(many=True, help_text="The chosen actions, and those some samples' plans chose.")

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "total_expert_days",
            "expert_days_used",
            "max_countries",
            "discount_by_evidence",
            "seed",
            "samples",
            "pools",
            "region_limits",
            "gap",
            "robust",
            "inputs",
            "actions",
        ]

    def get_expert_days_used(self, plan: Plan) -> int | None:
        return (plan.outcome or {}).get("expert_days_used")

    def get_gap(self, plan: Plan) -> float | None:
        return (plan.outcome or {}).get("gap")

    @extend_schema_field(RobustSerializer(allow_null=True))
    def get_robust(self, plan: Plan) -> dict | None:
        robust = (plan.outcome or {}).get("robust") or {}
        return RobustSerializer(robust).data if "samples" in robust else None


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Cooperation plans: staff see every plan; partner systems the solved plans marked as shared."""

    rules = {"*": {"list": "plans.read_plans"}}
    filterset_fields = ["fiscal_year", "run", "status"]
    ordering = ["-fiscal_year", "-created_at"]

    def get_queryset(self) -> QuerySet[Plan]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Plan.objects.none()
        plans = Plan.objects.all()
        if not self.request.user.has_perm("plans.browse_plans"):
            plans = plans.filter(shared=True, status=PlanStatus.SUCCEEDED)
        if self.action == "list":
            return plans.defer("inputs")
        actions = PlannedAction.objects.select_related("country", "template__area", "pool").order_by(
            "-chosen", "-value", "country_id"
        )
        return plans.prefetch_related(
            Prefetch("pools", queryset=FundingPool.objects.select_related("plan")),
            "region_limits",
            Prefetch("actions", queryset=actions),
        )

    def get_serializer_class(self):
        return PlanSerializer if self.action == "list" else PlanDetailSerializer
