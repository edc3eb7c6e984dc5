"""Routes of assessments/bank (included by apps/assessments/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("questions/", views.bank_list, name="bank_list"),
    path("questions/new/<slug:qtype>/", views.bank_create, name="bank_create"),
    path("questions/<int:pk>/", views.bank_question, name="bank_question"),
    path("questions/<int:pk>/edit/", views.bank_edit, name="bank_edit"),
    path("questions/<int:pk>/duplicate/", views.bank_duplicate, name="bank_duplicate"),
    path("questions/<int:pk>/hide/", views.bank_hide, name="bank_hide"),
    path("questions/<int:pk>/unhide/", views.bank_unhide, name="bank_unhide"),
    path("questions/<int:pk>/delete/", views.bank_delete, name="bank_delete"),
    path("questions/categories/new/", views.bank_category_create, name="bank_category_create"),
    path("questions/categories/<int:pk>/edit/", views.bank_category_edit, name="bank_category_edit"),
    path("questions/categories/<int:pk>/delete/", views.bank_category_delete, name="bank_category_delete"),
]
