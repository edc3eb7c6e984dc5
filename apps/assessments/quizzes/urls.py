"""Routes of assessments/quizzes (included by apps/assessments/urls.py): the editors' quiz pages."""

from django.urls import path

from . import views

quiz = "quizzes/<int:pk>/"

urlpatterns = [
    path("quizzes/new/<int:module_pk>/", views.quiz_create, name="quiz_create"),
    path(quiz, views.quiz_manage, name="quiz_manage"),
    path(quiz + "settings/", views.quiz_settings, name="quiz_settings"),
    path(quiz + "builder/", views.quiz_builder, name="quiz_builder"),
    path(quiz + "builder/add/", views.quiz_slot_add, name="quiz_slot_add"),
    path(quiz + "builder/random/", views.quiz_random_add, name="quiz_random_add"),
    path(quiz + "builder/breaks/", views.quiz_page_break, name="quiz_page_break"),
    path(quiz + "builder/repaginate/", views.quiz_repaginate, name="quiz_repaginate"),
    path(quiz + "builder/<int:slot_pk>/mark/", views.quiz_slot_mark, name="quiz_slot_mark"),
    path(quiz + "builder/<int:slot_pk>/move/", views.quiz_slot_move, name="quiz_slot_move"),
    path(quiz + "builder/<int:slot_pk>/remove/", views.quiz_slot_remove, name="quiz_slot_remove"),
    path(quiz + "overrides/", views.quiz_overrides, name="quiz_overrides"),
    path(quiz + "overrides/<int:override_pk>/", views.quiz_override_edit, name="quiz_override_edit"),
    path(
        quiz + "overrides/<int:override_pk>/delete/", views.quiz_override_delete, name="quiz_override_delete"
    ),
]
