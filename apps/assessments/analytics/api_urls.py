"""Routes of assessments/analytics (included by apps/assessments/api_urls.py)."""

from django.urls import path

from . import api

urlpatterns: list = [
    path(
        "assessments/<int:pk>/analytics",
        api.AssessmentAnalyticsView.as_view(),
        name="api-assessment-analytics",
    ),
    path(
        "assessments/<int:pk>/analytics/refresh",
        api.AssessmentAnalyticsRefreshView.as_view(),
        name="api-assessment-analytics-refresh",
    ),
]
