"""API keys in the matrix: every endpoint row states the scope a key needs (Endpoint.api_key_scope, None =
closed to API keys), and every row is called with a key that holds it, with keys that hold everything else,
and with another organization's key.

A key acts as the acme Org Admin who made it (apps/apikeys/authentication.py), so what it may do is what
the Org Admin may do, cut down to its scopes. A row whose stated scope is not the one its view checks fails
here: the key holding the stated scope is refused, or a key without it gets in.
"""

import pytest
from model_bakery import baker

from apps.apikeys.baker_recipes import make_api_key
from apps.core.api.scopes import grants, required_scope, scope_codes
from tests.conftest import HostClient, host_of, in_org

from .calls import assert_no_globex_data, call
from .registry import API_ENDPOINTS, targets

SCOPED = [e for e in API_ENDPOINTS if e.api_key_scope and "org_admin" in e.allowed_roles]
CLOSED = [e for e in API_ENDPOINTS if not e.api_key_scope]


def needed(endpoint) -> str:
    return required_scope(endpoint.api_key_scope, endpoint.method)


def raw_key(organization, creator, scopes) -> str:
    """A key of `organization`, made by `creator`, holding `scopes` (written directly: see make_api_key)."""
    with in_org(organization):
        return make_api_key(created_by=creator, scopes=list(scopes))[1]


def key_client(slug: str, raw: str) -> HostClient:
    client = HostClient(HTTP_HOST=host_of(slug))
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def test_every_stated_scope_is_a_registered_scope():
    stated = {needed(e) for e in API_ENDPOINTS if e.api_key_scope}

    assert stated <= set(scope_codes()), stated - set(scope_codes())


@pytest.mark.parametrize("endpoint", SCOPED, ids=lambda e: f"{e.id}[{needed(e)}]")
def test_a_key_with_the_endpoints_scope_may_call_it(endpoint, acme, acme_admin):
    client = key_client("acme", raw_key(acme, acme_admin, [needed(endpoint)]))

    response = call(client, endpoint, targets(acme))

    assert 200 <= response.status_code < 300, response.content[:300]


@pytest.mark.parametrize("endpoint", SCOPED, ids=lambda e: f"{e.id}[not {needed(e)}]")
def test_a_key_with_every_other_scope_is_refused(endpoint, acme, acme_admin):
    others = [code for code in scope_codes() if not grants([code], needed(endpoint))]
    client = key_client("acme", raw_key(acme, acme_admin, others))

    response = call(client, endpoint, targets(acme))

    assert response.status_code == 403, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "PERMISSION_DENIED"
    assert error["details"]["required_scope"] == needed(endpoint)


@pytest.mark.parametrize("endpoint", CLOSED, ids=lambda e: f"{e.id}[closed]")
def test_endpoints_closed_to_api_keys_refuse_a_key_with_every_scope(endpoint, acme, acme_admin):
    client = key_client("acme", raw_key(acme, acme_admin, scope_codes()))

    response = call(client, endpoint, targets(acme))

    assert response.status_code == 403, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "PERMISSION_DENIED"
    assert (error.get("details") or {}).get("required_scope") is None  # no scope would let it in


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e.id)
def test_a_globex_key_never_works_on_acme(endpoint, acme, globex, globex_admin):
    client = key_client("acme", raw_key(globex, globex_admin, scope_codes()))

    response = call(client, endpoint, targets(globex))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "API_KEY_INVALID"
    assert_no_globex_data(response)


def test_a_key_made_by_a_teacher_gets_no_more_than_the_teacher(acme):
    """Scopes narrow a key; they never widen its creator's role."""
    with in_org(acme):
        teacher = baker.make_recipe("accounts.teacher")
    client = key_client("acme", raw_key(acme, teacher, scope_codes()))

    response = client.post("/api/v1/users", {"email": "by-key@example.com"}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
