"""`Authorization: Api-Key <key>` or `X-API-Key: <key>` on an organization's host.

A request with a valid key acts as the key's creator: request.user is that person and request.auth the
key, so every permission check and selector sees the creator's roles. The key is also left on the request
(request.api_key, on the DRF request and the Django one) for the rate limiter, which counts each key on
its own budget. The key is a ScopedCredential (apps.core.api.scopes): ApiMixin limits it to its scopes.

Without either header this class steps aside (returns None) and JWT or the session decide.
"""

from django.conf import settings
from django.db import connection
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from apps.core.errors import ApplicationError, PlanLimitReached

from . import schema  # noqa: F401  registers the OpenAPI security scheme for this class
from .errors import ApiKeyRejectedError
from .services import api_key_authenticate

KEYWORD = "Api-Key"
HEADER = "HTTP_X_API_KEY"


class ApiKeyAuthenticationError(ApplicationError, exceptions.AuthenticationFailed):
    """A refusal DRF treats as failed authentication (the request becomes anonymous, the rate limiter
    counts it by IP) and the envelope handler reports with its own code and status."""


def _refuse(error: ApplicationError) -> ApiKeyAuthenticationError:
    return ApiKeyAuthenticationError(
        error.message, code=error.code, status_code=error.status_code, details=error.details
    )


class ApiKeyAuthentication(BaseAuthentication):
    def raw_key(self, request) -> str | None:
        header = get_authorization_header(request).split()
        if header and header[0].lower() == KEYWORD.lower().encode():
            if len(header) != 2:
                raise _refuse(ApiKeyRejectedError("Send the key as `Authorization: Api-Key <key>`."))
            try:
                return header[1].decode()
            except UnicodeError as exc:
                raise _refuse(ApiKeyRejectedError("The API key is malformed.")) from exc
        value = request.META.get(HEADER)
        if value is not None:
            return value.strip()
        return None

    def authenticate(self, request):
        raw = self.raw_key(request)
        if raw is None:
            return None
        if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
            raise _refuse(ApiKeyRejectedError("API keys are accepted only on an organization's host."))
        try:
            api_key = api_key_authenticate(raw_key=raw)
        except (ApiKeyRejectedError, PlanLimitReached) as exc:
            raise _refuse(exc) from exc
        request.api_key = api_key
        request._request.api_key = api_key
        return api_key.created_by, api_key

    def authenticate_header(self, request) -> str:
        # A 401 invites the scheme the caller tried; without an API key header, the default bearer token.
        sent_key = get_authorization_header(request).lower().startswith(KEYWORD.lower().encode())
        if sent_key or HEADER in request.META:
            return f'{KEYWORD} realm="api"'
        return 'Bearer realm="api"'
