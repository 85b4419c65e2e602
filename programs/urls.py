from django.urls import path

from .views import needs, programs, reports

urlpatterns = [
    path("reports/", reports.report_list, name="report-list"),
    path("reports/new/", reports.report_create, name="report-create"),
    path("reports/review/", reports.report_review_queue, name="report-review-queue"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report-edit"),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report-submit"),
    path("reports/<int:pk>/review/", reports.report_review, name="report-review"),
    path("reports/<int:pk>/reopen/", reports.report_reopen, name="report-reopen"),
    path("reports/<int:pk>/delete/", reports.report_delete, name="report-delete"),
    path("reports/<int:pk>/history/", reports.report_history, name="report-history"),
    path("programs/", programs.program_list, name="program-list"),
    path("programs/new/", programs.program_form, name="program-create"),
    path("programs/<int:pk>/", programs.program_detail, name="program-detail"),
    path("programs/<int:pk>/edit/", programs.program_form, name="program-edit"),
    path("needs/", needs.need_list, name="need-list"),
    path("needs/new/", needs.need_create_view, name="need-create"),
    path("needs/import/", needs.needs_import_view, name="needs-import"),
    path("needs/export/", needs.needs_export, name="needs-export"),
    path("needs/<int:pk>/", needs.need_detail, name="need-detail"),
    path("needs/<int:pk>/edit/", needs.need_edit, name="need-edit"),
    path("needs/<int:pk>/status/", needs.need_status, name="need-status"),
    path("needs/<int:pk>/history/", needs.need_history, name="need-history"),
]
