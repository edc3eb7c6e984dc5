"""API routes of this app under /api/v1/ on organization hosts."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
