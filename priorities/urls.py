from django.urls import path

from .views import countries, dashboard, method, profiles, runs

urlpatterns = [
    path("", dashboard.dashboard, name="home"),
    path("rankings/export/", dashboard.ranking_export, name="ranking-export"),
    path("rankings/recompute/", dashboard.ranking_recompute, name="ranking-recompute"),
    path("rankings/<int:pk>/progress/", dashboard.run_progress, name="run-progress"),
    path("rankings/", runs.run_list, name="run-list"),
    path("rankings/compare/", runs.run_compare, name="run-compare"),
    path("rankings/<int:pk>/", runs.run_detail, name="run-detail"),
    path("rankings/<int:pk>/publish/", runs.run_publish_view, name="run-publish"),
    path("rankings/<int:pk>/discard/", runs.run_discard_view, name="run-discard"),
    path("rankings/<int:pk>/robustness/", runs.run_robustness, name="run-robustness"),
    path("countries/<str:iso3>/", countries.country_detail, name="country-detail"),
    path("areas/<slug:code>/", countries.area_detail, name="area-detail"),
    path("method/", method.method_page, name="method"),
    path("profiles/", profiles.profile_list, name="profile-list"),
    path("profiles/new/", profiles.profile_create, name="profile-create"),
    path("profiles/ahp-check/", profiles.ahp_check, name="profile-ahp-check"),
    path("profiles/<slug:slug>/", profiles.profile_edit, name="profile-edit"),
    path("profiles/<slug:slug>/what-if/", profiles.profile_what_if, name="profile-what-if"),
]
