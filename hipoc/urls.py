"""Top-level URL configuration: each app's pages, accounts, admin and language switching."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from .health import healthz

urlpatterns = [
    path("", include("priorities.urls")),
    path("", include("programs.urls")),
    path("", include("plans.urls")),
    path("", include("countries.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switcher is on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", include("hipoc.api")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
