"""API routes of this app under /api/v1/ on organization hosts."""

from django.urls import path

from .api import AuditLogView

urlpatterns = [
    path("audit-log", AuditLogView.as_view(), name="api-audit-log"),
]
