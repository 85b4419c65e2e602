"""Read-only partner API: policy sources, weight profiles and rankings.

Partner systems see published runs only; staff also see every run and may start one (202 Accepted).
"""

from django.db.models import Prefetch
from django.http.response import HttpResponseBase
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from hipoc.conditional import ConditionalReadMixin, Representation
from hipoc.schema import NOT_MODIFIED
from programs.models import CooperationArea

from ..models import AreaResult, PolicyPriority, PolicySource, RankingResult, RankingRun, RunStatus, WeightProfile
from ..selectors import RUN_STATE, published_run_state, runs_visible_to
from ..services import default_profile, ranking_run_request
from .renderers import RankingCSVRenderer
from .serializers import (
    MatrixSerializer,
    PolicySourceSerializer,
    RankingRunDetailSerializer,
    RankingRunSerializer,
    RobustnessSerializer,
    StartRunSerializer,
    WeightProfileSerializer,
)

AREA_PARAMETER = OpenApiParameter("area", str, description="An area code: that area's ranking of countries.")
PROFILE_PARAMETER = OpenApiParameter("profile", str, description="A weight profile slug (default profile if absent).")


class PolicySourceViewSet(viewsets.ReadOnlyModelViewSet):
    """The seven policy sources with their priority items, the areas they favour and where."""

    serializer_class = PolicySourceSerializer
    rules = {"*": {"list": "priorities.browse_rankings"}}
    lookup_field = "code"
    pagination_class = None
    filter_backends: list[type] = []
    queryset = PolicySource.objects.prefetch_related(
        Prefetch(
            "priorities",
            queryset=PolicyPriority.objects.prefetch_related("areas", "countries", "country_groups"),
        )
    )


class WeightProfileViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WeightProfileSerializer
    rules = {"*": {"list": "priorities.browse_rankings"}}
    lookup_field = "slug"
    queryset = WeightProfile.objects.all()
    ordering = ["-is_default", "name"]


def run_representation(state: dict) -> Representation:
    """A run's body changes while it computes and when it is published, replaced, discarded or overtaken; each of
    those is a version of its own, final once finished."""
    return Representation(
        name=f"run-{state['pk']}",
        version=(
            state["status"],
            state["progress"],
            state["is_published"],
            state["ready_to_publish"],
            state["finished_at"],
        ),
        last_modified=state["finished_at"],
        final=state["status"] in (RunStatus.SUCCEEDED, RunStatus.FAILED),
    )


class RankingRunViewSet(
    ConditionalReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Ranking runs. Partner systems see published runs only; staff see all and may start one."""

    ordering = ["-created_at"]
    filterset_fields = ["profile_slug", "method", "status", "is_published"]
    varies_on = ("area",)
    rules = {"create": {"list": "priorities.manage_rankings"}, "*": {"list": "priorities.browse_rankings"}}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return RankingRun.objects.none()
        runs = runs_visible_to(self.request.user)
        if self.action == "list":
            # A list names runs; their stored checks and scales are read one run at a time.
            return runs.defer("robustness", "scale", "profile_settings", "excluded")
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
        if self.action == "robustness":
            return RobustnessSerializer
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

    def _read(self, request: Request, state: dict) -> HttpResponseBase:
        return self.conditional_read(
            request,
            run_representation(state),
            lambda: self.get_serializer(self.get_queryset().get(pk=state["pk"])).data,
        )

    def _run_state(self, run_id) -> dict:
        return get_object_or_404(runs_visible_to(self.request.user).values(*RUN_STATE), pk=run_id)

    @extend_schema(parameters=[AREA_PARAMETER], responses={200: RankingRunDetailSerializer, 304: NOT_MODIFIED})
    def retrieve(self, request: Request, *args, **kwargs) -> HttpResponseBase:
        return self._read(request, self._run_state(self.kwargs["pk"]))

    @extend_schema(
        parameters=[PROFILE_PARAMETER, AREA_PARAMETER], responses={200: RankingRunDetailSerializer, 304: NOT_MODIFIED}
    )
    @action(detail=False)
    def latest(self, request: Request) -> HttpResponseBase:
        state = published_run_state(request.query_params.get("profile"))
        if state is None:
            raise NotFound("No published ranking for that profile.")
        return self._read(request, state)

    @extend_schema(responses={200: MatrixSerializer, 304: NOT_MODIFIED})
    @action(detail=True)
    def matrix(self, request: Request, pk=None) -> HttpResponseBase:
        return self._read(request, self._run_state(pk))

    @extend_schema(responses={200: RobustnessSerializer, 304: NOT_MODIFIED})
    @action(detail=True)
    def robustness(self, request: Request, pk=None) -> HttpResponseBase:
        return self._read(request, self._run_state(pk))

    @extend_schema(request=StartRunSerializer, responses={202: RankingRunSerializer})
    def create(self, request: Request) -> Response:
        serializer = StartRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run = ranking_run_request(
            profile=data.get("profile") or default_profile(),
            method=data.get("method"),
            samples=data.get("samples"),
            seed=data.get("seed"),
            by=request.user,
        )
        url = reverse("api:ranking-detail", args=[run.pk], request=request)
        body = RankingRunSerializer(RankingRun.objects.get(pk=run.pk)).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})
