"""Routes of assessments/transfer (included by apps/assessments/api_urls.py): question imports and exports."""

from django.urls import path

from . import api

urlpatterns = [
    path("question-imports", api.ImportListView.as_view(), name="api-question-imports"),
    path("question-imports/<int:pk>", api.ImportDetailView.as_view(), name="api-question-import"),
    path("assessments/<int:pk>/export", api.AssessmentExportView.as_view(), name="api-assessment-export"),
    path(
        "question-categories/<int:pk>/export",
        api.CategoryExportView.as_view(),
        name="api-question-category-export",
    ),
]
