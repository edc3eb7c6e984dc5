"""Routes of assessments/quizzes (included by apps/assessments/api_urls.py): quizzes, slots, overrides."""

from django.urls import path

from . import api

quiz = "assessments/<int:pk>"

urlpatterns = [
    path("assessments", api.AssessmentListView.as_view(), name="api-assessments"),
    path(quiz, api.AssessmentDetailView.as_view(), name="api-assessment"),
    path(quiz + "/slots", api.SlotListView.as_view(), name="api-assessment-slots"),
    path(quiz + "/slots/order", api.SlotOrderView.as_view(), name="api-assessment-slots-order"),
    path(quiz + "/slots/<int:slot_pk>", api.SlotDetailView.as_view(), name="api-assessment-slot"),
    path(quiz + "/overrides", api.OverrideListView.as_view(), name="api-assessment-overrides"),
    path(
        quiz + "/overrides/<int:override_pk>",
        api.OverrideDetailView.as_view(),
        name="api-assessment-override",
    ),
]
