"""Routes of assessments/attempts (included by apps/assessments/api_urls.py): taking quizzes, results,
grading and regrading."""

from django.urls import path

from . import api

quiz = "assessments/<int:pk>"
attempt = "attempts/<int:pk>"

urlpatterns = [
    path(quiz + "/attempts", api.AssessmentAttemptListView.as_view(), name="api-assessment-attempts"),
    path(quiz + "/submit", api.AssessmentSubmitView.as_view(), name="api-assessment-submit"),
    path(quiz + "/results", api.AssessmentResultsView.as_view(), name="api-assessment-results"),
    path(quiz + "/grading", api.AssessmentGradingView.as_view(), name="api-assessment-grading"),
    path(quiz + "/regrade", api.AssessmentRegradeView.as_view(), name="api-assessment-regrade"),
    path(attempt, api.AttemptDetailView.as_view(), name="api-attempt"),
    path(attempt + "/pages/<int:number>", api.AttemptPageView.as_view(), name="api-attempt-page"),
    path(attempt + "/answers", api.AttemptAnswersView.as_view(), name="api-attempt-answers"),
    path(attempt + "/check", api.AttemptCheckView.as_view(), name="api-attempt-check"),
    path(attempt + "/submit", api.AttemptSubmitView.as_view(), name="api-attempt-submit"),
    path(attempt + "/review", api.AttemptReviewView.as_view(), name="api-attempt-review"),
    path(attempt + "/reopen", api.AttemptReopenView.as_view(), name="api-attempt-reopen"),
    path(attempt + "/regrade", api.AttemptRegradeView.as_view(), name="api-attempt-regrade"),
    path(
        attempt + "/questions/<int:slot>/grade",
        api.QuestionGradeView.as_view(),
        name="api-attempt-question-grade",
    ),
    path("grading", api.GradingQueueView.as_view(), name="api-grading"),
]
