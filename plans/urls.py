from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/compare/", views.plan_compare, name="plan-compare"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/compute/", views.plan_compute, name="plan-compute"),
    path("plans/<int:pk>/progress/", views.plan_progress, name="plan-progress"),
    path("plans/<int:pk>/export/", views.plan_export, name="plan-export"),
    path("plans/<int:pk>/programs/", views.plan_programs, name="plan-programs"),
    path("plans/actions/", views.action_template_list, name="action-template-list"),
    path("plans/actions/new/", views.action_template_create, name="action-template-create"),
    path("plans/actions/<int:pk>/edit/", views.action_template_edit, name="action-template-edit"),
    path("plans/actions/export/", views.action_template_export, name="action-template-export"),
    path("plans/actions/import/", views.action_template_import, name="action-template-import"),
]
