"""OpenAPI: document API keys as a security scheme next to the org-bound JWT."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.apikeys.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "An API key of this organization (`lsk_<prefix>_<secret>`), also accepted as "
            "`Authorization: Api-Key <key>`. It acts as its creator within its scopes.",
        }
