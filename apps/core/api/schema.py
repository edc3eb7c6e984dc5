"""OpenAPI: document every response inside the envelope, and the org-bound JWT as a bearer scheme."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class TenantJWTScheme(SimpleJWTScheme):
    """Without it drf-spectacular cannot resolve TenantJWTAuthentication and documents no bearer scheme."""

    target_class = "apps.core.api.authentication.TenantJWTAuthentication"
    name = "jwtAuth"


ENVELOPE_ERROR = {
    "type": "object",
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "data": {"nullable": True, "default": None},
        "meta": {"nullable": True, "default": None},
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "VALIDATION_ERROR"},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message", "details"],
        },
    },
    "required": ["success", "data", "meta", "error"],
}

META = {
    "type": "object",
    "nullable": True,
    "properties": {
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "total": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "links": {"type": "object", "additionalProperties": {"type": "string", "nullable": True}},
    },
}

ERROR_STATUSES = {
    "400": "Bad request or validation error",
    "401": "Not authenticated",
    "403": "Forbidden, plan limit reached or organization suspended",
    "404": "Not found (also for objects the caller may not know exist)",
    "429": "Rate limited; see Retry-After",
    "500": "Server error (logged; the body never holds a traceback)",
}


def wrap_responses_in_envelope(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorEnvelope"] = ENVELOPE_ERROR
    components["Meta"] = META
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status_code, response in operation["responses"].items():
                if not str(status_code).startswith("2"):
                    continue
                for media in response.get("content", {}).values():
                    inner = media.get("schema", {})
                    media["schema"] = {
                        "type": "object",
                        "properties": {
                            "success": {"type": "boolean", "enum": [True]},
                            "data": inner,
                            "meta": {"$ref": "#/components/schemas/Meta"},
                            "error": {"nullable": True, "default": None},
                        },
                        "required": ["success", "data", "meta", "error"],
                    }
            for status_code, description in ERROR_STATUSES.items():
                operation["responses"].setdefault(
                    status_code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}
                        },
                    },
                )
    return result
