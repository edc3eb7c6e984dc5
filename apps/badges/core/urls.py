"""Pages of the badges core part (names prefixed badge_, award_, achievements)."""

from django.urls import path

from . import views

urlpatterns = [
    path("badges/", views.badge_list, name="badge_list"),
    path("badges/new/", views.badge_create, name="badge_create"),
    path("badges/<int:pk>/", views.badge_detail, name="badge_detail"),
    path("badges/<int:pk>/edit/", views.badge_edit, name="badge_edit"),
    path("badges/<int:pk>/status/", views.badge_status, name="badge_status"),
    path("badges/<int:pk>/delete/", views.badge_delete, name="badge_delete"),
    path("badges/<int:pk>/image.png", views.badge_image, name="badge_image"),
    path("badges/<int:pk>/award/", views.award_create, name="award_create"),
    path("badges/awards/<int:pk>/revoke/", views.award_revoke, name="award_revoke"),
    path("achievements/", views.achievements, name="achievements"),
]
