"""The REST API v1: one router for every app's viewsets, the OpenAPI schema and the docs served locally.

DRF views answer 401/403 themselves (DRF exempts them from LoginRequiredMiddleware); the docs are a
page for people, so an anonymous visitor is sent to the login page instead.
"""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from countries.api import IndicatorViewSet
from hipoc.exceptions import api_path_not_found
from notifications.api.views import WebhookEndpointViewSet
from plans.api import PlanViewSet
from priorities.api.countries import CountryViewSet
from priorities.api.views import PolicySourceViewSet, RankingRunViewSet, WeightProfileViewSet
from programs.api.reference import CooperationAreaViewSet, CooperationProgramViewSet
from programs.api.views import MissionReportViewSet, StakeholderNeedViewSet

app_name = "api"

router = DefaultRouter()
router.register("countries", CountryViewSet, basename="country")
router.register("areas", CooperationAreaViewSet, basename="area")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("policy-sources", PolicySourceViewSet, basename="policy-source")
router.register("profiles", WeightProfileViewSet, basename="profile")
router.register("programs", CooperationProgramViewSet, basename="program")
router.register("rankings", RankingRunViewSet, basename="ranking")
router.register("mission-reports", MissionReportViewSet, basename="mission-report")
router.register("needs", StakeholderNeedViewSet, basename="need")
router.register("plans", PlanViewSet, basename="plan")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, which the Content-Security-Policy allows.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    # Answered whatever the method, so that a mistyped POST gets the API's 404 rather than a CSRF page.
    re_path(r"^(?P<path>.*)$", csrf_exempt(login_not_required(api_path_not_found))),
]
