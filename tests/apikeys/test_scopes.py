"""Scopes `<object>:read|write`: a key may read with `x:read` or `x:write`, and write only with `x:write`,
on views that declare `api_key_scope = "x"`; a view without one is closed to keys. Requests authenticated
otherwise (JWT, session) are not limited by scopes."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.apikeys.models import ApiKey
from apps.core.api.scopes import check_credential_scope, grants, normalize_scopes, scope_codes
from apps.core.errors import PermissionDenied
from tenants.api.org_views import OwnOrganizationDetailView
from tests.api.helpers import assert_error, assert_ok

from .conftest import issue, key_client, org_path


class UsersView:
    api_key_scope = "users"


class UnscopedView:
    pass


def request_with(method: str, auth) -> Request:
    request = Request(getattr(APIRequestFactory(), method.lower())("/"))
    request.auth = auth
    return request


def refusal(method: str, scopes: list[str], view=UsersView) -> PermissionDenied | None:
    """None when allowed, else the refusal (a 403 PERMISSION_DENIED)."""
    try:
        check_credential_scope(request_with(method, ApiKey(scopes=scopes)), view())
    except PermissionDenied as exc:
        return exc
    return None


@pytest.mark.parametrize(
    ("method", "scopes", "allowed"),
    [
        ("GET", ["users:read"], True),
        ("HEAD", ["users:read"], True),
        ("OPTIONS", ["users:read"], True),
        ("GET", ["users:write"], True),  # write implies read
        ("POST", ["users:write"], True),
        ("PUT", ["users:write"], True),
        ("PATCH", ["users:write"], True),
        ("DELETE", ["users:write"], True),
        ("POST", ["users:read"], False),
        ("DELETE", ["users:read"], False),
        ("GET", ["classes:write", "branches:read"], False),
        ("GET", [], False),
    ],
)
def test_scope_matrix(method, scopes, allowed):
    refused = refusal(method, scopes)

    assert (refused is None) is allowed
    if refused is not None:
        assert (refused.status_code, str(refused.code)) == (403, "PERMISSION_DENIED")


def test_the_refusal_names_the_missing_scope():
    refused = refusal("POST", ["users:read"])

    assert refused.message == "This API key lacks the `users:write` scope."
    assert refused.details == {"required_scope": "users:write", "granted_scopes": ["users:read"]}


def test_a_view_without_a_scope_is_closed_to_keys():
    every_scope = scope_codes()

    refused = refusal("GET", every_scope, view=UnscopedView)

    assert refused.message == "API keys cannot use this endpoint; sign in as a person to use it."


@pytest.mark.parametrize("auth", [None, "a-jwt-access-token"])
def test_requests_without_a_key_are_not_limited_by_scopes(auth):
    check_credential_scope(request_with("DELETE", auth), UnscopedView())


def test_write_implies_read_and_nothing_else():
    assert grants(["users:write"], "users:read")
    assert not grants(["users:read"], "users:write")
    assert not grants(["users:write"], "classes:read")


def test_scopes_are_normalized_and_unknown_ones_refused():
    assert normalize_scopes([" Users:Read", "users:read", "audit:read", "branches:write"]) == [
        "branches:write",
        "users:read",
        "audit:read",
    ]
    with pytest.raises(ValueError, match="users:admin"):
        normalize_scopes(["users:admin"])


# --- end to end through /api/v1/organizations/{id} ----------------------------------------------------------
# These need ApiMixin.initial to call check_credential_scope and `api_key_scope = "organization"` on the views of
# tenants/api/org_views.py. Until both are in, they are expected to fail (strict: they fail loudly once the
# attribute is there but the hook is not).
SCOPE_WIRED = getattr(OwnOrganizationDetailView, "api_key_scope", None) == "organization"
needs_scope_hook = pytest.mark.xfail(
    not SCOPE_WIRED,
    strict=True,
    reason="needs check_credential_scope in ApiMixin.initial and api_key_scope='organization' in org_views",
)


@needs_scope_hook
def test_a_read_key_cannot_write(acme, acme_admin):
    _, raw = issue(acme, acme_admin, scopes=["organization:read"])
    client = key_client("acme", raw)

    read = client.get(org_path(acme))
    write = client.put(org_path(acme), {"name": "Renamed"}, format="json")

    assert assert_ok(read)["name"] == "Acme Academy"
    error = assert_error(write, 403, "PERMISSION_DENIED")
    assert error["details"]["required_scope"] == "organization:write"
    acme.refresh_from_db()
    assert acme.name == "Acme Academy"


@needs_scope_hook
def test_a_key_without_the_scope_cannot_even_read(acme, acme_admin):
    _, raw = issue(acme, acme_admin, scopes=["users:write", "classes:write"])

    response = key_client("acme", raw).get(org_path(acme))

    error = assert_error(response, 403, "PERMISSION_DENIED")
    assert error["details"]["required_scope"] == "organization:read"


@needs_scope_hook
def test_a_key_cannot_use_endpoints_without_a_scope(acme, acme_admin):
    _, raw = issue(acme, acme_admin, scopes=scope_codes())

    response = key_client("acme", raw).get("/api/v1/auth/me")

    assert_error(response, 403, "PERMISSION_DENIED")
