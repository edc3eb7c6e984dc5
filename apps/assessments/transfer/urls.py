"""Routes of assessments/transfer (included by apps/assessments/urls.py): the import pages and the export
downloads."""

from django.urls import path

from . import views

urlpatterns = [
    path("questions/import/", views.import_list, name="import_list"),
    path("questions/import/upload/", views.import_create, name="import_create"),
    path("questions/import/<int:pk>/", views.import_detail, name="import_detail"),
    # Without a format: a page offering both (what the quiz and bank pages link to); with one: the file.
    path("quizzes/<int:pk>/export/", views.quiz_export, name="quiz_export"),
    path("quizzes/<int:pk>/export/<str:fmt>/", views.quiz_export, name="quiz_export"),
    path("questions/categories/<int:pk>/export/", views.category_export, name="category_export"),
    path("questions/categories/<int:pk>/export/<str:fmt>/", views.category_export, name="category_export"),
]
