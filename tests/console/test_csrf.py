"""Every console write needs the CSRF token (the test client normally skips the check)."""

import re

from django.test import Client
from django_tenants.utils import schema_context

from tenants.models import Organization, OrganizationEvent
from tests.conftest import PASSWORD, host_of
from tests.console.helpers import console_url


def _strict_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_HOST=host_of(None))
    if user is not None:
        with schema_context("public"):
            client.force_login(user)
    return client


def _token(client, url) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode()).group(1)


def test_lifecycle_action_without_the_token_is_refused_and_with_it_works(operator, acme):
    client = _strict_client(operator)
    url = console_url("organization_lifecycle", acme.pk)

    refused = client.post(url, {"action": "suspend", "confirm": "on"})

    assert refused.status_code == 403
    assert Organization.objects.get(pk=acme.pk).status == Organization.Status.ACTIVE
    assert not OrganizationEvent.objects.filter(action="suspended").exists()

    token = _token(client, console_url("organization", acme.pk))
    accepted = client.post(url, {"action": "suspend", "confirm": "on", "csrfmiddlewaretoken": token})

    assert accepted.status_code == 302
    assert Organization.objects.get(pk=acme.pk).status == Organization.Status.SUSPENDED


def test_provisioning_without_the_token_creates_nothing(operator, plans):
    client = _strict_client(operator)

    response = client.post(
        console_url("organization_create"),
        {
            "name": "Initech",
            "slug": "initech",
            "plan": plans["starter"].pk,
            "admin_email": "bill@initech.example.com",
            "trial_days": 14,
        },
    )

    assert response.status_code == 403
    assert not Organization.objects.filter(slug="initech").exists()


def test_sign_in_needs_the_token(operator):
    client = _strict_client()

    refused = client.post(console_url("login"), {"username": "admin@example.com", "password": PASSWORD})
    assert refused.status_code == 403

    token = _token(client, console_url("login"))
    accepted = client.post(
        console_url("login"),
        {"username": "admin@example.com", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 302
