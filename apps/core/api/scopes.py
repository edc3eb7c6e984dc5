"""API scopes: what a scoped credential (an API key) may touch, registered by the app that serves it.

Scopes have the form `<object>:read|write`; `write` implies `read`. Each app registers the objects its API
serves in its own `scopes.py`, whose `register()` its AppConfig.ready() calls::

    from apps.core.api.scopes import register_scope

    def register() -> None:
        register_scope(
            "courses",
            label="Courses and content",
            description="Courses, their modules, lessons and media.",
            app="courses",
        )

An API view names the object it serves with `api_key_scope = "courses"`. A request whose credential is
scoped (request.auth is a `ScopedCredential`, e.g. an API key) then needs `courses:read` for
GET/HEAD/OPTIONS and `courses:write` for anything else; a view without `api_key_scope` is closed to scoped
credentials. Other requests (JWT, session) are not limited by scopes.

Only registered scopes grant anything: a code stored on a credential whose object is no longer registered
(its app was removed, or the object renamed) is "retired": it stays in the row, is shown as retired and
authorizes nothing. Credentials store codes as plain strings, so a new scope needs no migration.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from apps.core.errors import PermissionDenied

ACCESS_LEVELS: tuple[str, ...] = ("read", "write")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OBJECT_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_MAX_LENGTH = 40  # ApiKey.scopes' items


@dataclass(frozen=True)
class Scope:
    """An object an API serves, and the access levels a credential may hold on it."""

    object: str  # "courses"; views say `api_key_scope = "courses"`
    label: str  # "Courses and content"
    description: str  # what the object covers, for the person granting it
    app: str  # label of the app that registered it (its API serves the object)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f"{self.object}:{level}" for level in ACCESS_LEVELS)

    @property
    def app_name(self) -> str:
        """The registering app's name for people (its verbose_name), under which the scope is listed."""
        try:
            return str(apps.get_app_config(self.app).verbose_name)
        except LookupError:
            return self.app


_SCOPES: dict[str, Scope] = {}


def register_scope(
    object: str,
    *,
    label: str,
    description: str,
    app: str,
) -> Scope:
    """Register `<object>:read` and `<object>:write`. Registering the same scope again changes nothing; a
    different scope under a registered object is a configuration error."""
    scope = Scope(object=object, label=label, description=description, app=app)
    if not OBJECT_PATTERN.match(object) or max(len(code) for code in scope.codes) > CODE_MAX_LENGTH:
        raise ImproperlyConfigured(
            f"Scope object {object!r} must be lowercase letters, digits and _ (codes of at most "
            f"{CODE_MAX_LENGTH} characters)."
        )
    registered = _SCOPES.get(object)
    if registered is not None and registered != scope:
        raise ImproperlyConfigured(f"Scope {object!r} is already registered by {registered.app}.")
    _SCOPES[object] = scope
    return scope


def unregister_scope(object: str) -> None:
    """Forget a scope (for tests that register a throwaway one); keys holding it keep the retired code."""
    _SCOPES.pop(object, None)


def registered_scopes() -> list[Scope]:
    """Every registered scope, in registration order (INSTALLED_APPS order, then each app's own)."""
    return list(_SCOPES.values())


def scope_codes() -> list[str]:
    """Every code a credential may be granted (`users:read`, `users:write`, ...), in registration order."""
    return [code for scope in _SCOPES.values() for code in scope.codes]


def is_registered(code: str) -> bool:
    obj, _, level = code.partition(":")
    scope = _SCOPES.get(obj)
    return scope is not None and level in ACCESS_LEVELS


def normalize_scopes(codes: Iterable[str]) -> list[str]:
    """Registered codes, each once, in registration order; unregistered ones raise ValueError(sorted)."""
    given = {str(code).strip().lower() for code in codes}
    unknown = sorted(code for code in given if not is_registered(code))
    if unknown:
        raise ValueError(unknown)
    return [code for code in scope_codes() if code in given]


def retired_scopes(codes: Iterable[str]) -> list[str]:
    """The codes among `codes` that no registered scope offers any more: kept, shown, never granting."""
    return [code for code in codes if not is_registered(code)]


def required_scope(view_scope: str, method: str) -> str:
    return f"{view_scope}:{'read' if method.upper() in SAFE_METHODS else 'write'}"


def grants(codes: Iterable[str], needed: str) -> bool:
    """Whether `codes` include `needed`; `x:write` also grants `x:read`. Only registered codes count."""
    held = {code for code in codes if is_registered(code)}
    obj, _, level = needed.partition(":")
    return needed in held or (level == "read" and f"{obj}:write" in held)


class ScopedCredential:
    """What an authenticator sets as `request.auth` when the credential is limited to scopes (a mixin:
    ApiKey is one). `check_credential_scope` refuses such a request any view its scopes do not cover."""

    # The refusals, in the credential's own words (403 PERMISSION_DENIED).
    closed_message = "This credential cannot use this endpoint; sign in as a person to use it."
    missing_message = "This credential lacks the `{needed}` scope."

    def granted_scopes(self) -> list[str]:
        raise NotImplementedError

    def allows(self, needed: str) -> bool:
        return grants(self.granted_scopes(), needed)


def check_credential_scope(request, view) -> None:
    """Refuse (403 PERMISSION_DENIED) a request authenticated by a scoped credential whose scopes do not
    cover the view's `api_key_scope` for the request's method. Requests authenticated otherwise pass."""
    credential = getattr(request, "auth", None)
    if not isinstance(credential, ScopedCredential):
        return
    view_scope = getattr(view, "api_key_scope", None)
    if not view_scope:
        raise PermissionDenied(credential.closed_message, details={"required_scope": None})
    needed = required_scope(view_scope, request.method)
    if not credential.allows(needed):
        raise PermissionDenied(
            credential.missing_message.format(needed=needed),
            details={"required_scope": needed, "granted_scopes": list(credential.granted_scopes())},
        )
