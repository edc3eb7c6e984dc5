"""BASE_DOMAIN: the platform's site, the provisioning console, the platform API and the Django admin."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from apps.core.views import page_not_found
from tenants.api import views as org_api

from .urls_common import api_docs, common_urlpatterns

urlpatterns = [
    *common_urlpatterns,
    *api_docs("config.urls_public"),
    path("", RedirectView.as_view(pattern_name="console:organizations", permanent=False), name="home"),
    path("console/", include("tenants.console.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/organizations", org_api.OrganizationListView.as_view(), name="api-organizations"),
    path("api/v1/organizations/<int:pk>", org_api.OrganizationDetailView.as_view(), name="api-organization"),
    path(
        "api/v1/organizations/<int:pk>/settings",
        org_api.OrganizationSettingsView.as_view(),
        name="api-organization-settings",
    ),
    path(
        "api/v1/organizations/<int:pk>/domains",
        org_api.OrganizationDomainListView.as_view(),
        name="api-organization-domains",
    ),
    path(
        "api/v1/organizations/<int:pk>/domains/<int:domain_id>",
        org_api.OrganizationDomainDetailView.as_view(),
        name="api-organization-domain",
    ),
    path(
        "api/v1/organizations/<int:pk>/domains/<int:domain_id>/primary",
        org_api.OrganizationDomainPrimaryView.as_view(),
        name="api-organization-domain-primary",
    ),
]

# Anything else under /api/ answers in the envelope, also with DEBUG on.
urlpatterns.append(re_path(r"^api/", page_not_found))

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
