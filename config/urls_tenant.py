"""{org}.BASE_DOMAIN: an organization's pages and its REST API."""

from django.urls import include, path, re_path

from apps.accounts import views as account_views
from apps.core.routing import by_first_segment
from apps.core.views import page_not_found
from apps.events.api import EventCatalogView
from tenants.api import org_views

from .urls_common import api_docs, common_urlpatterns

# The API first, as a tree of its routes' segments (apps.core.routing): a request is matched against a few
# patterns instead of every page's and every endpoint's. No page route starts with "api/" or "healthz"
# (tests/core/test_routing.py checks that what resolves is unchanged).
api = [
    *common_urlpatterns,
    *api_docs("config.urls_tenant"),
    # One app each.
    path("api/v1/organizations", org_views.OwnOrganizationListView.as_view(), name="api-own-organizations"),
    path(
        "api/v1/organizations/<int:pk>",
        org_views.OwnOrganizationDetailView.as_view(),
        name="api-own-organization",
    ),
    path(
        "api/v1/organizations/<int:pk>/settings",
        org_views.OwnOrganizationSettingsView.as_view(),
        name="api-own-organization-settings",
    ),
    path("api/v1/", include("apps.hierarchy.api_urls")),
    path("api/v1/", include("apps.apikeys.api_urls")),
    path("api/v1/", include("apps.imports.api_urls")),
    path("api/v1/", include("apps.audit.api_urls")),
    path("api/v1/", include("apps.courses.api_urls")),
    path("api/v1/", include("apps.assessments.api_urls")),
    path("api/v1/", include("apps.badges.api_urls")),
    path("api/v1/", include("apps.certificates.api_urls")),
    path("api/v1/events", EventCatalogView.as_view(), name="api-events"),
]

urlpatterns = [
    *by_first_segment(api),
    path("", include("apps.shell.urls")),  # the home page and the dashboard
    path("accounts/", include("apps.accounts.urls")),
    path("invite/<str:uidb64>/<str:token>/", account_views.invitation, name="invitation"),
    # Pages, one app each.
    path("manage/", include("apps.hierarchy.urls")),
    path("manage/", include("tenants.pages.urls")),  # settings and branding, beside their API
    path("manage/api-keys/", include("apps.apikeys.urls")),
    path("manage/imports/", include("apps.imports.urls")),
    path("manage/audit/", include("apps.audit.urls")),
    path("", include("apps.courses.urls")),
    path("", include("apps.assessments.urls")),
    path("", include("apps.badges.urls")),
    path("", include("apps.certificates.urls")),
]

# Anything else under /api/ answers in the envelope, also with DEBUG on.
urlpatterns.append(re_path(r"^api/", page_not_found))

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
