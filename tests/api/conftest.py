"""Fixtures for the API convention tests: a small catalog of organizations, a frozen rate-limit clock,
small rate limits and a public-schema user who is not a platform operator."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import override_settings

from tests.conftest import PASSWORD, client_for, jwt_for

from .helpers import create_user, provision

# A moment 45 s into a one-minute window: the window began at 1_699_999_980 and resets at 1_700_000_040.
FROZEN_NOW = 1_700_000_025
WINDOW_RESET = 1_700_000_040


@pytest.fixture
def catalog(acme, globex):
    """Besides acme (growth, active) and globex (starter, active), three organizations:

    hooli     "hooli academy"    growth      archived   created 2024-03-10
    initech   "Initech Labs"     enterprise  trial      created 2024-01-10
    umbrella  "Umbrella School"  starter     suspended  created 2024-02-10
    """
    from tenants.models import Organization
    from tenants.services import organization_archive, organization_suspend

    hooli = provision("hooli academy", "hooli", plan="growth")
    initech = provision("Initech Labs", "initech", plan="enterprise", trial_days=14)
    umbrella = provision("Umbrella School", "umbrella")
    organization_archive(organization=hooli, reason="closed")
    organization_suspend(organization=umbrella, reason="unpaid")
    for organization, day in ((initech, "2024-01-10"), (umbrella, "2024-02-10"), (hooli, "2024-03-10")):
        created = datetime.datetime.fromisoformat(f"{day}T00:00:00+00:00")
        Organization.objects.filter(pk=organization.pk).update(created_at=created)
    return {org.slug: org for org in Organization.objects.exclude(schema_name="public")}


@pytest.fixture
def frozen_clock(monkeypatch):
    """The rate limiter's clock, stopped at FROZEN_NOW; `frozen_clock.now` may be moved."""
    clock = SimpleNamespace(now=FROZEN_NOW)
    monkeypatch.setattr("apps.core.api.throttling.time", SimpleNamespace(time=lambda: clock.now))
    return clock


@pytest.fixture
def small_limits():
    with override_settings(API_RATE_LIMITS={"authenticated": 3, "anonymous": 2, "window_seconds": 60}):
        yield


@pytest.fixture
def staff_user(db):
    """Signed in on the platform host, but not a super-admin."""
    return create_user(None, "staff@example.com", password=PASSWORD, full_name="Platform Staff")


@pytest.fixture
def staff_client(staff_user):
    return client_for(None, token=jwt_for(None, staff_user))
