"""The console asks before it locks people out, and tells every mistake of a form at once: suspending and
archiving need a ticked confirmation (checked on the server, so it holds without JavaScript), and the
create-organization form reports a taken subdomain together with a bad email, not one round after it."""

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Organization, OrganizationEvent
from tests.console.helpers import console_url


def _status(organization) -> str:
    return Organization.objects.get(pk=organization.pk).status


def _lifecycle(console, organization, **data):
    return console.post(console_url("organization_lifecycle", organization.pk), data, follow=True)


@pytest.mark.parametrize("action", ["suspend", "archive"])
def test_an_unconfirmed_suspend_or_archive_changes_nothing_and_says_why(console, acme, action):
    response = _lifecycle(console, acme, action=action, reason="Unpaid invoice")

    connection.set_schema_to_public()
    assert _status(acme) == Organization.Status.ACTIVE
    assert not OrganizationEvent.objects.filter(
        org_slug="acme", action__in=["suspended", "archived"]
    ).exists()
    assert f"Tick the box to confirm that you mean to {action} Acme" in response.content.decode()


@pytest.mark.parametrize(("action", "status"), [("suspend", "suspended"), ("archive", "archived")])
def test_a_confirmed_suspend_or_archive_goes_ahead(
    console, acme, action, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _lifecycle(console, acme, action=action, reason="Contract ended", confirm="on")

    connection.set_schema_to_public()
    assert _status(acme) == status


def test_the_detail_page_asks_for_the_confirmation_in_plain_html(console, acme):
    body = console.get(console_url("organization", acme.pk)).content.decode()

    suspend = re.search(r'<form[^>]*aria-labelledby="suspend-title".*?</form>', body, re.S).group(0)
    archive = re.search(r'<form[^>]*aria-labelledby="archive-title".*?</form>', body, re.S).group(0)
    for form, verb in ((suspend, "suspend"), (archive, "archive")):
        assert re.search(r'<input type="checkbox" name="confirm" value="on" id="\w+-confirm" required>', form)
        assert f"Yes, {verb} " in form
    assert "<script>" not in body  # no inline script: the policy forbids it


def test_create_form_reports_a_taken_subdomain_together_with_a_bad_email(console, plans, globex):
    response = console.post(
        console_url("organization_create"),
        {
            "name": "Initech",
            "slug": "globex",
            "plan": plans["starter"].pk,
            "admin_email": "not-an-email",
            "trial_days": 14,
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    slug_error = re.search(r'<div class="error" id="id_slug_error">(.*?)</div>', body, re.S)
    email_error = re.search(r'<div class="error" id="id_admin_email_error">(.*?)</div>', body, re.S)
    assert slug_error
    assert "This slug is already taken." in slug_error.group(1)
    assert email_error
    assert "Enter a valid email address." in email_error.group(1)
    assert not schema_exists("initech")


def test_the_provisioning_service_also_reports_every_problem_at_once(plans, globex):
    from apps.core.errors import ValidationFailed
    from tenants import services

    connection.set_schema_to_public()
    with pytest.raises(ValidationFailed) as caught:
        services.organization_provision(name="", slug="globex", plan=plans["starter"], admin_email="nope")

    assert set(caught.value.field_errors) == {"name", "slug", "admin_email"}
    assert caught.value.field_errors["slug"] == ["This slug is already taken."]
