"""Routes of assessments/bank (included by apps/assessments/api_urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("question-categories", api.QuestionCategoryListView.as_view(), name="api-question-categories"),
    path(
        "question-categories/<int:pk>", api.QuestionCategoryDetailView.as_view(), name="api-question-category"
    ),
    path("questions", api.QuestionListView.as_view(), name="api-questions"),
    path("questions/<int:pk>", api.QuestionDetailView.as_view(), name="api-question"),
    path("questions/<int:pk>/versions", api.QuestionVersionListView.as_view(), name="api-question-versions"),
    path("questions/<int:pk>/duplicate", api.QuestionDuplicateView.as_view(), name="api-question-duplicate"),
    path("question-types", api.QuestionTypeListView.as_view(), name="api-question-types"),
]
