"""Routing by host and the organization's lifecycle state.

TenantMiddleware: `{slug}.{BASE_DOMAIN}` -> that org's schema and URLconf, `BASE_DOMAIN` -> the public
URLconf, anything else -> a 404 page (never the public site). The host lookup is cached (resolution.py).

TenantStatusMiddleware: a suspended org answers with a "suspended" page (403 `TENANT_SUSPENDED` on the
API); an archived org is read-only (writes answer 403 `TENANT_ARCHIVED`).
"""

from django.db import connection
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware

from apps.core.api.envelope import error_response, is_api_path
from apps.core.views import healthz

from .models import Organization
from .resolution import organization_for_host


class TenantMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        connection.set_schema_to_public()
        if request.path == "/healthz":
            # Load balancers probe by IP address or any Host header: health needs no tenant, no session
            # and no ALLOWED_HOSTS match, so it is answered before anything else looks at the host.
            return healthz(request)
        hostname = self.hostname_from_request(request)
        organization = organization_for_host(hostname)
        if organization is None:
            return self.unknown_host(request, hostname)
        organization.domain_url = hostname
        request.tenant = organization
        connection.set_tenant(organization)
        self.setup_url_routing(request)
        return None

    @staticmethod
    def hostname_from_request(request) -> str:
        # request.get_host() validates against ALLOWED_HOSTS (DisallowedHost -> 400 by Django).
        return request.get_host().split(":")[0].lower()

    @staticmethod
    def unknown_host(request, hostname):
        if is_api_path(request.path):
            return error_response(404, "NOT_FOUND", "No organization is served at this address.")
        return render(request, "errors/unknown_host.html", {"hostname": hostname}, status=404)


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Signing in and out changes no organization data: members of an archived org can still read it.
ARCHIVED_WRITABLE_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/authenticate/",
    "/api/v1/auth/",
)


class TenantStatusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        organization: Organization | None = getattr(request, "tenant", None)
        if organization is None or organization.is_public:
            return self.get_response(request)
        if organization.status == Organization.Status.SUSPENDED:
            if is_api_path(request.path):
                return error_response(
                    403,
                    "TENANT_SUSPENDED",
                    "This organization is suspended. Its data is kept; contact the platform operator.",
                )
            return render(request, "errors/suspended.html", {"organization": organization}, status=403)
        if (
            organization.status == Organization.Status.ARCHIVED
            and request.method not in SAFE_METHODS
            and not request.path.startswith(ARCHIVED_WRITABLE_PREFIXES)
        ):
            if is_api_path(request.path):
                return error_response(403, "TENANT_ARCHIVED", "This organization is archived and read-only.")
            return render(request, "errors/archived.html", {"organization": organization}, status=403)
        return self.get_response(request)
