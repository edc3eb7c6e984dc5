"""OpenAPI: how every operation is documented, so that a client generated from `/api/v1/schema/` works
unmodified (openapi-python-client is the yardstick, see tests/api/test_generated_client.py).

- `AutoSchema` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) gives every operation a summary derived from its
  method and path, a description taken only from the view's own docstrings (never a base class's notes
  for developers), and a `fields` parameter on every JSON read.
- `WhitelistFilterExtension` documents each `filter[field]` and `filter[field][op]` a view whitelists,
  typed from the model field (the filter backend itself stays free of schema code).
- `wrap_responses_in_envelope` (a postprocessing hook) puts every JSON success inside the envelope, with
  `meta` the named `Meta` component (`PageLinks` for its links) on paginated lists and null elsewhere;
  adds the shared error responses (400 401 403 404 405 415 429 500) and the rate-limit headers; and writes
  "nullable reference" as `oneOf: [ref, null]` so that the null has a type (OpenAPI 3.0 ignores
  `nullable` next to a bare `allOf`).
"""

import copy
import inspect
import re

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import get_view_model


class TenantJWTScheme(SimpleJWTScheme):
    """Without it drf-spectacular cannot resolve TenantJWTAuthentication and documents no bearer scheme."""

    target_class = "apps.core.api.authentication.TenantJWTAuthentication"
    name = "jwtAuth"


# --- shared components ---------------------------------------------------------------------------------------

# OpenAPI 3.0 has no `null` type: this is "always null" with a type, which generators read as None.
NULL = {"type": "object", "nullable": True, "enum": [None]}

PAGE_LINKS = {
    "type": "object",
    "description": "Absolute URLs of this, the first, the last, the next and the previous page.",
    "properties": {
        "self": {"type": "string", "format": "uri"},
        "first": {"type": "string", "format": "uri"},
        "last": {"type": "string", "format": "uri"},
        "next": {"type": "string", "format": "uri", "nullable": True},
        "prev": {"type": "string", "format": "uri", "nullable": True},
    },
    "required": ["self", "first", "last", "next", "prev"],
}

META = {
    "type": "object",
    "description": "Pagination of a list: where this page is and how many there are.",
    "properties": {
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1},
        "total": {"type": "integer", "minimum": 0},
        "total_pages": {"type": "integer", "minimum": 1},
        "links": {"$ref": "#/components/schemas/PageLinks"},
    },
    "required": ["page", "per_page", "total", "total_pages", "links"],
}

ERROR_DETAIL = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "example": "VALIDATION_ERROR", "description": "Stable; see the docs."},
        "message": {"type": "string", "description": "For people; may change."},
        "details": {
            "type": "object",
            "additionalProperties": True,
            "description": "Per field (or `non_field_errors`): the list of problems.",
        },
    },
    "required": ["code", "message", "details"],
}

ENVELOPE_ERROR = {
    "type": "object",
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "data": NULL,
        "meta": NULL,
        "error": {"$ref": "#/components/schemas/ErrorDetail"},
    },
    "required": ["success", "data", "meta", "error"],
}

RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {
        "description": "Requests allowed per window to this caller (user, API key or anonymous address).",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Remaining": {
        "description": "Requests left in the current window.",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Reset": {
        "description": "When the current window ends (Unix time, seconds).",
        "schema": {"type": "integer"},
    },
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
}
HEADERS = {**RATE_LIMIT_HEADERS, **RETRY_AFTER}

# status: (component name, description, extra headers)
ERROR_RESPONSES = {
    "400": ("BadRequest", "Bad request or validation error (`details` says which fields).", ()),
    "401": ("NotAuthenticated", "Not authenticated, or the token is not valid here.", ()),
    "403": ("Forbidden", "Forbidden, plan limit reached, or organization suspended or archived.", ()),
    "404": ("NotFound", "Not found (also for objects the caller may not know exist).", ()),
    "405": (
        "MethodNotAllowed",
        "Method not allowed on this path (the `Allow` header lists those that are).",
        (),
    ),
    "415": ("UnsupportedMediaType", "The body's Content-Type is not the one this operation takes.", ()),
    "429": (
        "RateLimited",
        "Too many requests (or sign-in attempts); wait `Retry-After` seconds.",
        ("Retry-After",),
    ),
    "500": ("ServerError", "Server error (logged; the body never holds a traceback).", ()),
}
BODY_ONLY_ERRORS = {"415"}


def _header_refs(names) -> dict:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _error_response(description: str, extra_headers) -> dict:
    return {
        "description": description,
        "headers": _header_refs([*RATE_LIMIT_HEADERS, *extra_headers]),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
    }


# --- summaries and descriptions --------------------------------------------------------------------------------

# Path segment: (singular, plural) as people say them.
NOUNS = {
    "api-keys": ("API key", "API keys"),
    "audit-log": ("audit entry", "audit log"),
    "branches": ("branch", "branches"),
    "categories": ("category", "categories"),
    "classes": ("class", "classes"),
    "content": ("lesson", "lessons"),
    "courses": ("course", "courses"),
    "enrollment-rules": ("enrollment rule", "enrollment rules"),
    "enrollments": ("enrollment", "enrollments"),
    "imports": ("import", "imports"),
    "items": ("lesson", "lessons"),
    "media": ("file", "files"),
    "members": ("member", "members"),
    "modules": ("module", "modules"),
    "organizations": ("organization", "organizations"),
    "roles": ("role", "roles"),
    "tags": ("tag", "tags"),
    "users": ("person", "people"),
    "versions": ("version", "versions"),
}
# Last segment naming an action on the object before it: the verb for each method.
ACTIONS = {
    "archive": "Archive",
    "publish": "Publish",
    "unpublish": "Unpublish",
    "reactivate": "Reactivate",
    "revert": "Revert to",
    "diff": "Compare with the previous",
    "download": "Download",
}
# Last segment naming one thing that belongs to the object before it.
PARTS = {
    "analytics": "the analytics",
    "cover": "the cover image",
    "invitation": "the invitation",
    "order": "the order",
    "profile": "the profile",
    "report": "the report",
    "settings": "the settings",
}
# What the derivation cannot guess.
SUMMARIES = {
    ("POST", "/api/v1/auth/login"): "Sign in",
    ("POST", "/api/v1/auth/logout"): "Sign out",
    ("GET", "/api/v1/auth/me"): "Get the signed-in person",
    ("POST", "/api/v1/auth/refresh-token"): "Refresh the access token",
    ("POST", "/api/v1/auth/register"): "Sign up",
    ("POST", "/api/v1/auth/forgot-password"): "Ask for a password-reset link",
    ("POST", "/api/v1/auth/reset-password"): "Set a new password",
    ("POST", "/api/v1/users/{}/invitation"): "Send a new invitation to a person",
    ("POST", "/api/v1/users/{}/roles"): "Give a person a role",
    ("DELETE", "/api/v1/users/{}/roles/{}"): "Take a role from a person",
    ("POST", "/api/v1/classes/{}/members"): "Add a member to a class",
    ("DELETE", "/api/v1/classes/{}/members/{}"): "Remove a member from a class",
    ("POST", "/api/v1/organizations/{}/branches/{}/users"): "Give a person a role in a branch",
    ("GET", "/api/v1/organizations/{}/branches/{}/users"): "List the people of a branch",
    ("GET", "/api/v1/courses/{}/content"): "Get the outline of a course",
    ("POST", "/api/v1/courses/{}/content"): "Add a lesson to a course",
    ("POST", "/api/v1/courses/{}/enrollments"): "Enroll people, classes or branches (or yourself)",
    ("DELETE", "/api/v1/courses/{}/enrollments/{}"): "Withdraw an enrollment",
    ("DELETE", "/api/v1/courses/{}/enrollment-rules/{}"): "Stop an enrollment rule",
    ("GET", "/api/v1/courses/{}/progress"): "List the progress of a course's learners",
    ("GET", "/api/v1/content/{}/progress"): "Get your progress on a lesson",
    ("POST", "/api/v1/content/{}/progress"): "Record your progress on a lesson",
    ("PUT", "/api/v1/content/{}/progress"): "Record your progress on a lesson",
    ("GET", "/api/v1/users/{}/progress"): "List a person's progress",
    ("GET", "/api/v1/users/{}/enrollments"): "List a person's enrollments",
    ("POST", "/api/v1/courses/{}/media"): "Upload a file to a course",
    ("POST", "/api/v1/content/{}/media"): "Upload a file to a lesson",
    ("POST", "/api/v1/content/{}/versions"): "Save a new version of a lesson",
    ("POST", "/api/v1/imports"): "Import people from a CSV or XLSX file",
    ("DELETE", "/api/v1/api-keys/{}"): "Revoke an API key",
    ("GET", "/api/v1/audit-log"): "List the audit log",
    ("POST", "/api/v1/organizations"): "Provision an organization",
    ("POST", "/api/v1/users"): "Invite a person",
    ("GET", "/api/v1/content/{}/versions/{}/diff"): "Compare a version with the one before",
    ("PUT", "/api/v1/courses/{}/modules/order"): "Reorder the modules of a course",
    ("PUT", "/api/v1/modules/{}/items/order"): "Reorder the lessons of a module",
}
# PUT here keeps the fields it is not sent (see the write serializers), so it is an update, not a replace.
ITEM_VERBS = {"GET": "Get", "PUT": "Update", "PATCH": "Update some fields of", "DELETE": "Delete"}
PART_VERBS = {"GET": "Get", "PUT": "Update", "PATCH": "Update some of", "POST": "Send", "DELETE": "Delete"}


def _article(noun: str) -> str:
    return ("an " if noun[0].lower() in "aeiou" and not noun.startswith("us") else "a ") + noun


def derive_summary(method: str, path: str) -> str:
    """`GET /api/v1/courses/{id}/modules` -> "List the modules of a course", and so on."""
    shape = re.sub(r"\{[^}]+\}", "{}", path)
    if (method, shape) in SUMMARIES:
        return SUMMARIES[(method, shape)]
    parts = [part for part in shape.removeprefix("/api/v1/").split("/") if part]
    ends_with_id = parts[-1] == "{}"
    literals = [part for part in parts if part != "{}"]
    last = literals[-1]
    owner = NOUNS.get(literals[-2], (literals[-2],))[0] if len(literals) > 1 else None
    of_owner = f" of {_article(owner)}" if owner else ""
    if last in ACTIONS:
        return f"{ACTIONS[last]} {_article(owner)}" if owner else ACTIONS[last].capitalize()
    if last in PARTS:
        return f"{PART_VERBS.get(method, method.title())} {PARTS[last]}{of_owner}"
    singular, plural = NOUNS.get(last, (last.replace("-", " "), last.replace("-", " ")))
    if ends_with_id:
        return f"{ITEM_VERBS.get(method, method.title())} {_article(singular)}"
    if method == "GET":
        return f"List the {plural}{of_owner}" if owner else f"List {plural}"
    if method == "POST":
        return f"Create {_article(singular)}" + (f" in {_article(owner)}" if owner else "")
    return f"{method.title()} {plural}{of_owner}"


_PATH_PREFIX = re.compile(r"^(GET|POST|PUT|PATCH|DELETE)(?: \(or \w+\))? /\S+:\s*")


def own_doc(obj) -> str:
    """The docstring written on `obj` itself, not one inherited from a base class (whose docstring tells
    developers how the base works, not callers what the operation does)."""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    if not doc:
        return ""
    text = _PATH_PREFIX.sub("", inspect.cleandoc(doc)).strip()
    return text[:1].upper() + text[1:]


class AutoSchema(SpectacularAutoSchema):
    def get_summary(self):
        return derive_summary(self.method.upper(), self.path)

    def get_description(self):
        method = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        method_doc = own_doc(method) if method is not None else ""
        return method_doc or own_doc(type(self.view))

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return operation
        _document_api_key_scope(operation, self.view, method)
        if method == "GET" and _answers_json(operation) and _has_sparse_fields(self.view):
            operation.setdefault("parameters", []).append(
                {
                    "name": "fields",
                    "in": "query",
                    "required": False,
                    "description": "Sparse fieldset: comma-separated field names of `data` to keep; dots "
                    "reach into nested objects (`id,title,owner.full_name`). Unknown names answer 400.",
                    "schema": {"type": "string"},
                }
            )
        return operation


def _document_api_key_scope(operation, view, method: str) -> None:
    """Say in the description which scope an API key needs (apps.core.api.scopes), and put it in
    `x-api-key-scope` (null: closed to API keys) for tools that read it."""
    from .scopes import required_scope
    from .views import ApiMixin

    if not isinstance(view, ApiMixin):
        return
    view_scope = getattr(view, "api_key_scope", None)
    needed = required_scope(view_scope, method) if view_scope else None
    note = f"API keys need the `{needed}` scope." if needed else "Not open to API keys: sign in as a person."
    description = operation.get("description") or ""
    operation["description"] = f"{description}\n\n{note}" if description else note
    operation["x-api-key-scope"] = needed


def _answers_json(operation) -> bool:
    return any(
        "application/json" in response.get("content", {})
        for status, response in operation.get("responses", {}).items()
        if str(status).startswith("2")
    )


def _has_sparse_fields(view) -> bool:
    from .views import ApiMixin

    return isinstance(view, ApiMixin)


# --- filters -----------------------------------------------------------------------------------------------------

OPERATOR_HELP = {
    "eq": "equals",
    "ne": "does not equal",
    "gt": "is greater than",
    "lt": "is less than",
    "gte": "is at least",
    "lte": "is at most",
    "in": "is one of (comma-separated)",
    "nin": "is none of (comma-separated)",
    "like": "contains, case-sensitive (`%` and `_` are wildcards when given)",
    "ilike": "contains, ignoring case (`%` and `_` are wildcards when given)",
}


def _value_schema(model, view, name: str) -> dict:
    from .filtering import _model_field, _orm_path

    field = _model_field(model, _orm_path(view, name)) if model is not None else None
    if field is None:
        return {"type": "string"}
    internal = field.get_internal_type()
    if internal == "BooleanField":
        return {"type": "boolean"}
    if internal in {
        "AutoField",
        "BigAutoField",
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
    }:
        return {"type": "integer"}
    if internal == "DateTimeField":
        return {"type": "string", "format": "date-time"}
    if internal == "DateField":
        return {"type": "string", "format": "date"}
    if getattr(field, "choices", None):
        return {"type": "string", "enum": [choice for choice, _ in field.flatchoices]}
    return {"type": "string"}


class WhitelistFilterExtension(OpenApiFilterExtension):
    """`filter[field]` (equals) and `filter[field][op]` for each operator a view allows on each field."""

    target_class = "apps.core.api.filtering.WhitelistFilterBackend"

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        view = auto_schema.view
        model = get_view_model(view, emit_warnings=False)
        parameters = []
        for name, ops in getattr(view, "filter_fields", {}).items():
            value = _value_schema(model, view, name)
            for op in ops:
                listed = op in ("in", "nin")
                text = op in ("like", "ilike")
                schema = {"type": "string"} if listed or text else dict(value)
                parameters.append(
                    {
                        "name": f"filter[{name}]" if op == "eq" else f"filter[{name}][{op}]",
                        "in": "query",
                        "required": False,
                        "description": f"Only those whose `{name}` {OPERATOR_HELP[op]}.",
                        "schema": schema,
                    }
                )
        return parameters


# --- postprocessing ------------------------------------------------------------------------------------------------


def _type_nullable_refs(node) -> None:
    """`{"allOf": [ref], "nullable": true}` -> `{"oneOf": [ref, NULL]}`: the same meaning, with a type."""
    if isinstance(node, dict):
        if node.get("nullable") and "type" not in node:
            if len(node.get("allOf", [])) == 1:
                del node["nullable"]
                node["oneOf"] = [node.pop("allOf")[0], dict(NULL)]
            elif "oneOf" in node:
                del node["nullable"]
                node["oneOf"].append(dict(NULL))
        for value in node.values():
            _type_nullable_refs(value)
    elif isinstance(node, list):
        for value in node:
            _type_nullable_refs(value)


def _envelope(data: dict, *, paginated: bool) -> dict:
    return {
        "type": "object",
        "properties": {
            "success": {"type": "boolean", "enum": [True]},
            "data": data,
            "meta": {"$ref": "#/components/schemas/Meta"} if paginated else dict(NULL),
            "error": dict(NULL),
        },
        "required": ["success", "data", "meta", "error"],
    }


def _is_paginated(operation) -> bool:
    return any(p.get("in") == "query" and p.get("name") == "page" for p in operation.get("parameters", []))


def _json_bodies_take_no_files(result) -> None:
    """A JSON body cannot carry a file: a file field of a schema used by a JSON request body can only be
    null there (to remove the file); uploads go as multipart/form-data."""
    schemas = result["components"]["schemas"]
    for operation in _operations(result):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = media.get("schema", {}).get("$ref", "")
        component = schemas.get(ref.rsplit("/", 1)[-1]) if ref else None
        for name, prop in (component or {}).get("properties", {}).items():
            if prop.get("format") == "binary":
                description = prop.get("description", "")
                # Not `enum: [null]`: generators make that a default, which would remove the file on
                # every update that leaves the field out.
                component["properties"][name] = {
                    "type": "string",
                    "nullable": True,
                    "description": (f"{description} " if description else "")
                    + "Only null here: it removes the file. Upload one as multipart/form-data.",
                }


def _operations(result):
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                yield operation


def wrap_responses_in_envelope(result, generator, request, public):
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(
        copy.deepcopy(
            {
                "ErrorEnvelope": ENVELOPE_ERROR,
                "ErrorDetail": ERROR_DETAIL,
                "Meta": META,
                "PageLinks": PAGE_LINKS,
            }
        )
    )
    components["headers"] = copy.deepcopy(HEADERS)
    components["responses"] = {
        name: _error_response(description, extra) for name, description, extra in ERROR_RESPONSES.values()
    }
    for operation in _operations(result):
        paginated = _is_paginated(operation)
        for status_code, response in operation["responses"].items():
            if "$ref" in response:
                continue
            response.setdefault("headers", {}).update(_header_refs(RATE_LIMIT_HEADERS))
            if not str(status_code).startswith("2"):
                continue
            media = response.get("content", {}).get("application/json")
            if media is not None:
                media["schema"] = _envelope(media.get("schema", {}), paginated=paginated)
        for status_code, (name, _description, _extra) in ERROR_RESPONSES.items():
            if status_code in BODY_ONLY_ERRORS and "requestBody" not in operation:
                continue
            operation["responses"].setdefault(status_code, {"$ref": f"#/components/responses/{name}"})
    _json_bodies_take_no_files(result)
    _type_nullable_refs(result)
    return result
