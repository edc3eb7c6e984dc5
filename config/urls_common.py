"""URLs served on every host: health, the API's auth endpoints and its OpenAPI documents."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.accounts.api import views as auth_api
from apps.core.views import healthz


def api_docs(urlconf: str) -> list:
    return [
        path("api/v1/schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="api-schema"),
        path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
        path("api/v1/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
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
