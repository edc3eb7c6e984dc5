"""Console fixtures: an operator's page client, a signed-in non-operator, and a quick way to provision."""

import pytest
from django.db import connection

from tests.conftest import PASSWORD, browser_for

OPERATOR_IP = "203.0.113.7"


@pytest.fixture
def console(operator):
    """The operator's page client on BASE_DOMAIN, calling from a known address."""
    client = browser_for(None, operator)
    client.defaults["REMOTE_ADDR"] = OPERATOR_IP
    return client


@pytest.fixture
def staff_member(db):
    """A public-schema account that is staff but not a superuser: not a platform operator."""
    from django.contrib.auth import get_user_model

    connection.set_schema_to_public()
    return get_user_model().objects.create_user("staff@example.com", PASSWORD, is_staff=True)


@pytest.fixture
def staff_console(staff_member):
    return browser_for(None, staff_member)


@pytest.fixture
def anonymous_console(db):
    return browser_for(None)


@pytest.fixture
def provision(plans):
    """provision("initech", plan="growth", ...) -> the new Organization, through the real service."""
    from tenants.services import organization_provision

    def _provision(
        slug: str,
        *,
        name: str | None = None,
        plan: str = "starter",
        trial_days: int = 14,
        admin_email: str | None = None,
    ):
        result = organization_provision(
            name=name or slug.replace("-", " ").title(),
            slug=slug,
            plan=plans[plan],
            admin_email=admin_email or f"admin@{slug}.example.com",
            trial_days=trial_days,
        )
        connection.set_schema_to_public()
        return result.organization

    return _provision
