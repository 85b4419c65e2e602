from django.urls import path

from . import views

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator-list"),
    path("indicators/import/", views.indicator_import_view, name="indicator-import"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator-detail"),
]
