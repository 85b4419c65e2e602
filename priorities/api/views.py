"""Read-only partner API: countries with their published rank, policy sources, weight profiles and rankings.

Partner systems see published runs only; staff also see every run and may start one (202 Accepted).
"""

import csv
import hashlib
import io

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from countries.filtersets import CountryFilterSet
from countries.models import Country
from hipoc.schema import NOT_MODIFIED
from hipoc.serializers import StrictSerializerMixin
from programs.models import CooperationArea

from ..models import (
    Aggregation,
    AreaResult,
    PolicyPriority,
    PolicySource,
    RankingResult,
    RankingRun,
    RunStatus,
    WeightProfile,
)
from ..ranking import default_profile, ranking_run_request
from ..scoring import ScoringError
from ..selectors import published_run, published_runs

# The columns a run's representation depends on, read before deciding whether to build it.
RUN_STATE = ("pk", "status", "progress", "is_published", "finished_at")


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


class PolicySourceViewSet(viewsets.ReadOnlyModelViewSet):
    """The seven policy sources with their priority items, the areas they favour and where."""

    serializer_class = PolicySourceSerializer
    lookup_field = "code"
    pagination_class = None
    filter_backends: list[type] = []
    queryset = PolicySource.objects.prefetch_related(
        Prefetch(
            "priorities",
            queryset=PolicyPriority.objects.prefetch_related("areas", "countries", "country_groups"),
        )
    )


class WeightProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = WeightProfile
        fields = [
            "slug",
            "name",
            "description",
            "version",
            "is_default",
            "weight_method",
            "criterion_weights",
            "source_weights",
            "criterion_directions",
            "normalization",
            "aggregation",
            "coverage_threshold",
            "recency_half_life_days",
            "top_k_areas",
            "monte_carlo_samples",
            "weight_concentration",
            "oda_eligible_only",
            "wipo_members_only",
        ]


class WeightProfileViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WeightProfileSerializer
    lookup_field = "slug"
    queryset = WeightProfile.objects.all()
    ordering = ["-is_default", "name"]


class RankingResultSerializer(serializers.ModelSerializer):
    iso3 = serializers.CharField(source="country_id")
    country = serializers.CharField(source="country.name")

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
        ]


class InsufficientSerializer(serializers.Serializer):
    iso3 = serializers.CharField(source="country_id")
    country = serializers.CharField(source="country.name")
    missing = serializers.ListField(child=serializers.CharField())


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

    class Meta:
        model = AreaResult
        fields = ["iso3", "area", "coverage", "raw", "normalized", "score"]


class MatrixSerializer(serializers.ModelSerializer):
    """Everything needed to recompute each score: score = Σ w·x over the criteria present / Σ w over them."""

    criteria = serializers.JSONField()
    alternatives = MatrixAlternativeSerializer(source="area_results", many=True)
    parameters = serializers.SerializerMethodField()

    class Meta:
        model = RankingRun
        fields = ["id", "method", "normalization", "parameters", "criteria", "alternatives"]

    def get_parameters(self, run: RankingRun) -> dict:
        settings = run.profile_settings
        return {
            "coverage_threshold": settings["coverage_threshold"],
            "top_k_areas": settings["top_k_areas"],
            "recency_half_life_days": settings["recency_half_life_days"],
            "imputation": settings["imputation"],
            "samples": run.samples,
            "seed": run.seed,
            "weight_concentration": settings["weight_concentration"],
            "as_of": run.as_of.isoformat(),
            "missing_values": "a missing value drops out and the other weights are rescaled to sum to 1",
        }


class StartRunSerializer(StrictSerializerMixin, serializers.Serializer):
    profile = serializers.SlugRelatedField(slug_field="slug", queryset=WeightProfile.objects.all(), required=False)
    method = serializers.ChoiceField(choices=Aggregation.choices, required=False)
    samples = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    # The seed is stored in a signed 64-bit column.
    seed = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False)


AREA_PARAMETER = OpenApiParameter("area", str, description="An area code: that area's ranking of countries.")
PROFILE_PARAMETER = OpenApiParameter("profile", str, description="A weight profile slug (default profile if absent).")


class RankingCSVRenderer(BaseRenderer):
    """A ranking's results as CSV (`?format=csv` or `Accept: text/csv`)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    columns = ("rank", "iso3", "country", "score", "rank_p05", "rank_median", "rank_p95", "p_top10", "top_areas")

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:  # 304 Not Modified
            return b""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.columns)
        for row in data["results"]:
            writer.writerow(
                [";".join(row.get(name) or []) if name == "top_areas" else row.get(name) for name in self.columns]
            )
        return buffer.getvalue().encode("utf-8")


class RankingRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Ranking runs. Partner systems see published runs only; staff see all and may start one."""

    ordering = ["-created_at"]
    filterset_fields = ["profile_slug", "method", "status", "is_published"]

    def _visible_runs(self):
        runs = RankingRun.objects.all()
        if not self.request.user.is_jpo_staff:
            runs = runs.filter(published_at__isnull=False, status="succeeded")
        return runs

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return RankingRun.objects.none()
        runs = self._visible_runs()
        if self.action == "matrix":
            return runs.prefetch_related(
                Prefetch("area_results", queryset=AreaResult.objects.select_related("area").order_by("country", "area"))
            )
        if self.action in ("retrieve", "latest"):
            runs = runs.prefetch_related(Prefetch("results", queryset=RankingResult.objects.select_related("country")))
            area = self.request.query_params.get("area")
            if area:
                one_area = AreaResult.objects.filter(area__code=area).select_related("country", "area")
                runs = runs.prefetch_related(Prefetch("area_results", queryset=one_area))
        return runs

    def get_renderers(self):
        # Only a ranking's results have a table shape; everything else is JSON.
        renderers = [JSONRenderer(), BrowsableAPIRenderer()]
        if self.action in ("retrieve", "latest"):
            renderers.append(RankingCSVRenderer())
        return renderers

    def get_serializer_class(self):
        if self.action == "matrix":
            return MatrixSerializer
        if self.action in ("retrieve", "latest"):
            return RankingRunDetailSerializer
        if self.action == "create":
            return StartRunSerializer
        return RankingRunSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        area = self.request.query_params.get("area")
        if area is not None and not CooperationArea.objects.filter(code=area).exists():
            raise NotFound(f"No cooperation area with code {area!r}.")
        context["area"] = area
        return context

    def _cached(self, request: Request, state: dict) -> HttpResponseBase:
        """Answer from what the client or the cache already holds before building any body.

        The ETag covers everything the body depends on (the run's status and whether it is the published one,
        the action, the area and the format), so a finished run's rendered body can be kept in the shared cache
        under it and never go stale.
        """
        renderer = request.accepted_renderer
        variant = "|".join(
            str(part)
            for part in (
                state["status"],
                state["progress"],
                state["is_published"],
                state["finished_at"],
                self.action,
                request.query_params.get("area", ""),
                renderer.format,
            )
        )
        etag = f'"run-{state["pk"]}-{hashlib.sha256(variant.encode()).hexdigest()[:16]}"'
        headers = {"ETag": etag}
        if state["finished_at"]:
            headers["Last-Modified"] = http_date(state["finished_at"].timestamp())
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        # The browsable API's page depends on who asks; only JSON and CSV bodies are shared.
        cacheable = state["status"] in (RunStatus.SUCCEEDED, RunStatus.FAILED) and renderer.format in ("json", "csv")
        key = f"hipoc:api-body:{etag}"
        if cacheable and (content := cache.get(key)) is not None:
            return HttpResponse(content, content_type=self._content_type(renderer), headers=headers)
        data = self.get_serializer(self.get_queryset().get(pk=state["pk"])).data
        if not cacheable:
            return Response(data, headers=headers)
        content = renderer.render(data, request.accepted_media_type, self.get_renderer_context())
        cache.set(key, content, timeout=settings.API_BODY_CACHE_SECONDS)
        return HttpResponse(content, content_type=self._content_type(renderer), headers=headers)

    @staticmethod
    def _content_type(renderer) -> str:
        return f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type

    def _run_state(self, run_id) -> dict:
        return get_object_or_404(self._visible_runs().values(*RUN_STATE), pk=run_id)

    @extend_schema(parameters=[AREA_PARAMETER], responses={200: RankingRunDetailSerializer, 304: NOT_MODIFIED})
    def retrieve(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        return self._cached(request, self._run_state(self.kwargs["pk"]))

    @extend_schema(
        parameters=[PROFILE_PARAMETER, AREA_PARAMETER], responses={200: RankingRunDetailSerializer, 304: NOT_MODIFIED}
    )
    @action(detail=False)
    def latest(self, request: Request) -> HttpResponseBase:
        state = published_runs(request.query_params.get("profile")).values(*RUN_STATE).first()
        if state is None:
            raise NotFound("No published ranking for that profile.")
        return self._cached(request, state)

    @extend_schema(responses={200: MatrixSerializer, 304: NOT_MODIFIED})
    @action(detail=True)
    def matrix(self, request: Request, pk=None) -> HttpResponseBase:
        return self._cached(request, self._run_state(pk))

    @extend_schema(request=StartRunSerializer, responses={202: RankingRunSerializer})
    def create(self, request: Request) -> Response:
        if not request.user.is_jpo_staff:
            raise PermissionDenied("Only JPO staff start ranking runs.")
        serializer = StartRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            run = ranking_run_request(
                profile=data.get("profile") or default_profile(),
                method=data.get("method"),
                samples=data.get("samples"),
                seed=data.get("seed"),
                by=request.user,
            )
        except ScoringError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from error
        url = reverse("api:ranking-detail", args=[run.pk], request=request)
        body = RankingRunSerializer(RankingRun.objects.get(pk=run.pk)).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})
