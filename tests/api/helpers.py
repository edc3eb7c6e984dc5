"""Assertions every API test shares: the envelope, error codes and rate-limit headers."""

from typing import Any

from django.db import connection
from django_tenants.utils import schema_context

ENVELOPE_KEYS = {"success", "data", "meta", "error"}
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def assert_ok(response, status: int = 200) -> Any:
    """A success envelope with `status`; returns `data`."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert body["success"] is True
    assert body["error"] is None
    return body["data"]


def assert_error(response, status: int, code: str) -> dict:
    """An error envelope with `status` and stable `code`; returns `error` ({code, message, details})."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body == {"success": False, "data": None, "meta": None, "error": body["error"]}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], dict)
    assert "Traceback" not in response.content.decode()
    return error


def rate_limit_headers(response) -> dict[str, str]:
    return {name: response[name] for name in RATE_LIMIT_HEADERS if response.has_header(name)}


def expected_rate_limit_headers(limit: int, remaining: int, reset: int) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
    }


def bad_login(client):
    """A failed API sign-in (an unknown address), for tests that spend a budget."""
    return client.post(
        "/api/v1/auth/login", {"email": "nobody@example.com", "password": "wrong"}, format="json"
    )


def ids(data: list[dict]) -> list[int]:
    return [item["id"] for item in data]


def provision(name: str, slug: str, *, plan: str = "starter", trial_days: int = 0):
    """A real organization (schema, domain, subscription, settings) made by the provisioning service."""
    from tenants.models import Plan
    from tenants.services import organization_provision

    result = organization_provision(
        name=name,
        slug=slug,
        plan=Plan.objects.get(code=plan),
        admin_email=f"admin@{slug}.example.com",
        trial_days=trial_days,
    )
    connection.set_schema_to_public()
    return result.organization


def provision_many(count: int, *, prefix: str = "Org", name: str | None = None) -> list:
    """`count` organizations with slugs `{prefix}-01`.. and names `{prefix} 01`.. (or all named `name`)."""
    return [
        provision(name or f"{prefix} {index:02d}", f"{prefix.lower()}-{index:02d}")
        for index in range(1, count + 1)
    ]


def create_user(organization, email: str, *, password: str, **fields):
    """An active user in `organization`'s schema (None = the public schema)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    schema = settings.PUBLIC_SCHEMA_NAME if organization is None else organization.schema_name
    with schema_context(schema):
        return get_user_model().objects.create_user(email, password, **fields)
