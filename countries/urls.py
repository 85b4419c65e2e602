from django.urls import path

from . import views

urlpatterns = [
    path("indicators/import/", views.indicator_import_view, name="indicator-import"),
]
