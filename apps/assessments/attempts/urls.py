"""Routes of assessments/attempts (included by apps/assessments/urls.py): taking a quiz, its review, and the
teachers' results, grading and regrading pages."""

from django.urls import path

from . import views

attempt = "attempts/<int:pk>/"
quiz = "quizzes/<int:pk>/"

urlpatterns = [
    path(quiz + "start/", views.attempt_start, name="attempt_start"),
    path(attempt, views.attempt_take, name="attempt_take"),
    path(attempt + "save/", views.attempt_save, name="attempt_save"),
    path(attempt + "check/<int:slot>/", views.attempt_check, name="attempt_check"),
    path(attempt + "summary/", views.attempt_summary, name="attempt_summary"),
    path(attempt + "submit/", views.attempt_submit, name="attempt_submit"),
    path(attempt + "review/", views.attempt_review, name="attempt_review"),
    path(attempt + "time", views.attempt_time, name="attempt_time"),
    path(attempt + "reopen/", views.attempt_reopen, name="attempt_reopen"),
    path(attempt + "grade/<int:slot>/", views.grading_grade, name="grading_grade"),
    path(quiz + "results/", views.quiz_results, name="quiz_results"),
    path(quiz + "grading/", views.grading_quiz, name="grading_quiz"),
    path(quiz + "regrade/", views.quiz_regrade, name="quiz_regrade"),
    path("grading/", views.grading_queue, name="grading_queue"),
]
