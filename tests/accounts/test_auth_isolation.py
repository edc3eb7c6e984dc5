"""The anonymous auth endpoints (tests/isolation/registry.py: ANONYMOUS_API_ENDPOINTS) across organizations:
globex's addresses, reset links and tokens reach nothing on acme's host, while acme's own work there."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_tenants.utils import schema_context

from tests.accounts.isolation import account_ids as _account_ids
from tests.conftest import PASSWORD, client_for, in_org
from tests.isolation.registry import ANONYMOUS_API_ENDPOINTS

GLOBEX_MARKERS = ("Globex", "globex")

# What each endpoint answers on acme's host: with globex's values, and with acme's own.
EXPECTED = {
    "/api/v1/auth/login": ((401, "AUTHENTICATION_FAILED"), 200),
    "/api/v1/auth/register": ((404, "NOT_FOUND"), 404),  # acme takes no sign-ups
    "/api/v1/auth/forgot-password": ((200, None), 200),
    "/api/v1/auth/reset-password": ((400, "VALIDATION_ERROR"), 200),
    "/api/v1/auth/refresh-token": ((401, "TOKEN_INVALID"), 200),
}


def targets(organization) -> dict[str, str]:
    """The registry's account placeholders only (the rest of targets() builds other features' objects)."""
    with schema_context(organization.schema_name):
        return _account_ids(organization)


def body_for(endpoint, values: dict[str, str]) -> dict:
    return {key: value.format(**values) for key, value in endpoint.body.items()}


def test_every_anonymous_auth_endpoint_is_checked():
    assert {endpoint.path for endpoint in ANONYMOUS_API_ENDPOINTS} == set(EXPECTED)


@pytest.mark.parametrize("endpoint", ANONYMOUS_API_ENDPOINTS, ids=lambda e: e.id)
def test_globex_values_reach_nothing_on_acme_host(endpoint, acme, globex, globex_admin):
    response = client_for("acme").post(endpoint.path, body_for(endpoint, targets(globex)), format="json")

    status, code = EXPECTED[endpoint.path][0]
    assert response.status_code == status
    if code:
        assert response.json()["error"]["code"] == code
    body = response.content.decode()
    assert [marker for marker in GLOBEX_MARKERS if marker in body] == []
    assert mail.outbox == []
    with in_org(globex):
        assert get_user_model().objects.get(pk=globex_admin.pk).check_password(PASSWORD)
    with in_org(acme):
        assert not get_user_model().objects.filter(email__endswith="@globex.example.com").exists()


@pytest.mark.parametrize("endpoint", ANONYMOUS_API_ENDPOINTS, ids=lambda e: e.id)
def test_acme_values_work_on_acme_host(endpoint, acme):
    response = client_for("acme").post(endpoint.path, body_for(endpoint, targets(acme)), format="json")

    assert response.status_code == EXPECTED[endpoint.path][1]
