"""Routes of assessments/analytics (included by apps/assessments/urls.py)."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("quizzes/<int:pk>/statistics/", views.statistics_page, name="stats_quiz"),
    path("quizzes/<int:pk>/statistics/refresh/", views.statistics_refresh, name="stats_refresh"),
]
