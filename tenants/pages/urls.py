"""The organization area's settings pages, under /manage/ (config/urls_tenant.py)."""

from django.urls import path

from . import views

app_name = "organization"

urlpatterns = [
    path("settings/", views.organization_settings, name="settings"),
    path("branding/logo", views.branding_logo, name="branding_logo"),
]
