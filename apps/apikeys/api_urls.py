"""API routes of this app under /api/v1/ on organization hosts."""

from django.urls import path

from .api import views

urlpatterns = [
    path("api-keys", views.ApiKeyListView.as_view(), name="api-keys"),
    path("api-keys/scopes", views.ApiKeyScopeListView.as_view(), name="api-key-scopes"),
    path("api-keys/<int:pk>", views.ApiKeyDetailView.as_view(), name="api-key"),
]
