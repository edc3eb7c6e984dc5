"""/api/v1/ routes of the badges core part: badges (criteria nested), their awards and progress, awards."""

from django.urls import path

from . import api

badge = "badges/<int:pk>"

urlpatterns = [
    path("badges", api.BadgeListView.as_view(), name="api-badges"),
    path(badge, api.BadgeDetailView.as_view(), name="api-badge"),
    path(badge + "/awards", api.BadgeAwardsView.as_view(), name="api-badge-awards"),
    path(badge + "/award", api.BadgeAwardView.as_view(), name="api-badge-award"),
    path(badge + "/progress", api.BadgeProgressView.as_view(), name="api-badge-progress"),
    path("badge-awards/<int:pk>", api.AwardDetailView.as_view(), name="api-badge-award-detail"),
    path("badge-awards/<int:pk>/revoke", api.AwardRevokeView.as_view(), name="api-badge-award-revoke"),
    path("users/<int:pk>/badges", api.UserBadgesView.as_view(), name="api-user-badges"),
]
