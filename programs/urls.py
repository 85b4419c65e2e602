from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path("reports/new/", views.report_create, name="report-create"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report-review"),
    path("reports/<int:pk>/reopen/", views.report_reopen, name="report-reopen"),
    path("reports/<int:pk>/delete/", views.report_delete, name="report-delete"),
    path("reports/<int:pk>/history/", views.report_history, name="report-history"),
]
