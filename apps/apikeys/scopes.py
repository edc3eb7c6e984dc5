"""What an API key may touch: scopes of the form `<object>:read|write`; `write` implies `read`.

An API view names the object it serves with `api_key_scope = "users"`. A request authenticated by an API
key then needs `users:read` for GET/HEAD/OPTIONS and `users:write` for anything else. A view without
`api_key_scope` is closed to API keys (managing API keys themselves, for one): only people may use it.
"""

from collections.abc import Iterable

from apps.core.errors import PermissionDenied

SCOPE_OBJECTS: tuple[str, ...] = (
    "organization",
    "branches",
    "classes",
    "users",
    "audit",
    "imports",
    "courses",
    "enrollments",
)
ACCESS_LEVELS: tuple[str, ...] = ("read", "write")
ALL_SCOPES: tuple[str, ...] = tuple(f"{obj}:{level}" for obj in SCOPE_OBJECTS for level in ACCESS_LEVELS)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def required_scope(view_scope: str, method: str) -> str:
    return f"{view_scope}:{'read' if method.upper() in SAFE_METHODS else 'write'}"


def grants(scopes: Iterable[str], needed: str) -> bool:
    """Whether `scopes` include `needed`; `x:write` also grants `x:read`."""
    held = set(scopes)
    obj, _, level = needed.partition(":")
    return needed in held or (level == "read" and f"{obj}:write" in held)


def normalize_scopes(scopes: Iterable[str]) -> list[str]:
    """Known scopes, each once, in a stable order (ALL_SCOPES'); unknown ones raise ValueError."""
    given = {str(scope).strip().lower() for scope in scopes}
    unknown = sorted(given - set(ALL_SCOPES))
    if unknown:
        raise ValueError(unknown)
    return [scope for scope in ALL_SCOPES if scope in given]


def check_api_key_scope(request, view) -> None:
    """Refuse (403 PERMISSION_DENIED) a request authenticated by an API key whose scopes do not cover the
    view's `api_key_scope` for the request's method. Requests authenticated otherwise pass untouched."""
    from .models import ApiKey

    api_key = getattr(request, "auth", None)
    if not isinstance(api_key, ApiKey):
        return
    view_scope = getattr(view, "api_key_scope", None)
    if not view_scope:
        raise PermissionDenied(
            "API keys cannot use this endpoint; sign in as a person to use it.",
            details={"required_scope": None},
        )
    needed = required_scope(view_scope, request.method)
    if not grants(api_key.scopes, needed):
        raise PermissionDenied(
            f"This API key lacks the `{needed}` scope.",
            details={"required_scope": needed, "granted_scopes": list(api_key.scopes)},
        )
