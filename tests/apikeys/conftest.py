"""API-key fixtures: keys issued by acme's Org Admin through the real service, stored keys in any state
(revoked, expired, on a plan without API access) written directly, and clients that send them."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from tests.conftest import host_of

API_KEYS = "/api/v1/api-keys"


def org_path(organization) -> str:
    return f"/api/v1/organizations/{organization.pk}"


def issue(organization, creator, *, scopes=("organization:read",), name="Reporting service", expires_at=None):
    """A key made by the real service (plan, permission and audit included): (ApiKey, raw key)."""
    from apps.apikeys.services import api_key_create

    with schema_context(organization.schema_name):
        issued = api_key_create(actor=creator, name=name, scopes=list(scopes), expires_at=expires_at)
    return issued.api_key, issued.raw_key


def store(
    organization, creator, *, scopes=("organization:read",), name="Stored key", expires_at=None, revoked=False
):
    """A key row written directly, for states the service will not make (past expiry, a plan without
    API access): (ApiKey, raw key)."""
    from apps.apikeys.baker_recipes import make_api_key

    with schema_context(organization.schema_name):
        return make_api_key(
            name=name,
            scopes=list(scopes),
            created_by=creator,
            expires_at=expires_at,
            revoked_at=timezone.now() if revoked else None,
        )


def key_client(slug: str | None, raw_key: str, *, header: str = "authorization") -> APIClient:
    """An API client on `slug`'s host sending `raw_key` as `Authorization: Api-Key` or `X-API-Key`."""
    client = APIClient(HTTP_HOST=host_of(slug))
    if header == "authorization":
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    else:
        client.credentials(HTTP_X_API_KEY=raw_key)
    return client


@pytest.fixture
def acme_key(acme, acme_admin):
    """An active acme key with organization:read, issued by acme's Org Admin."""
    api_key, raw = issue(acme, acme_admin)
    return SimpleNamespace(api_key=api_key, raw=raw)


@pytest.fixture
def frozen_clock(monkeypatch):
    """The rate limiter's clock stopped 45 s into a window, so a test never straddles two windows."""
    clock = SimpleNamespace(now=1_700_000_025)
    monkeypatch.setattr("apps.core.api.throttling.time", SimpleNamespace(time=lambda: clock.now))
    return clock


def in_days(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)
