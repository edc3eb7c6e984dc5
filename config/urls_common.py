"""URLs served on every host: health, the API's auth endpoints and its OpenAPI documents."""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from apps.accounts.api import views as auth_api
from apps.core.views import healthz

# ReDoc's bundle injects two <style> elements as it loads, before it can be handed the nonce
# (static/js/redoc_init.js does that for the rest): perfect-scrollbar's styles and an empty one. They are
# allowed on that page by their hashes, those of drf-spectacular-sidecar's redoc.standalone.js;
# tests/browser/test_security_policy.py reports a violation if an upgrade changes them.
REDOC_STYLE_HASHES = [
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
]


def api_docs(urlconf: str) -> list:
    return [
        path("api/v1/schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="api-schema"),
        # The split view serves Swagger UI's start-up script as a file (`?script`): no inline script, so
        # the page works under the Content-Security-Policy (templates/drf_spectacular/ holds both pages).
        path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
        path(
            "api/v1/redoc/",
            csp_update({"style-src": REDOC_STYLE_HASHES})(
                SpectacularRedocView.as_view(url_name="api-schema")
            ),
            name="api-redoc",
        ),
    ]


common_urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/auth/login", auth_api.LoginView.as_view(), name="api-auth-login"),
    path("api/v1/auth/refresh-token", auth_api.RefreshView.as_view(), name="api-auth-refresh"),
    path("api/v1/auth/logout", auth_api.LogoutView.as_view(), name="api-auth-logout"),
    path("api/v1/auth/me", auth_api.MeView.as_view(), name="api-auth-me"),
    # An organization's matter (they answer 404 on BASE_DOMAIN).
    path("api/v1/auth/register", auth_api.RegisterView.as_view(), name="api-auth-register"),
    path(
        "api/v1/auth/forgot-password", auth_api.ForgotPasswordView.as_view(), name="api-auth-forgot-password"
    ),
    path("api/v1/auth/reset-password", auth_api.ResetPasswordView.as_view(), name="api-auth-reset-password"),
]
