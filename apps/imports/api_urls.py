"""API routes of this app under /api/v1/ on organization hosts."""

from django.urls import path

from .api import views

urlpatterns = [
    path("imports", views.ImportListView.as_view(), name="api-imports"),
    path("imports/template", views.ImportTemplateView.as_view(), name="api-import-template"),
    path("imports/<int:pk>", views.ImportDetailView.as_view(), name="api-import"),
    path("imports/<int:pk>/report", views.ImportReportView.as_view(), name="api-import-report"),
]
