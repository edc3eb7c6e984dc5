"""Provisioning through the console's form: field errors, a working organization, progress markup."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Organization, OrganizationEvent
from tests.conftest import PASSWORD, client_for
from tests.console.conftest import OPERATOR_IP
from tests.console.helpers import accessibility_problems, console_url

CREATE = console_url("organization_create")


@pytest.fixture
def form_data(plans):
    return {
        "name": "Initech",
        "slug": "initech",
        "plan": plans["starter"].pk,
        "admin_email": "Bill@Initech.example.com",
        "admin_name": "Bill Lumbergh",
        "trial_days": 14,
    }


def test_form_page_has_labelled_fields_and_a_progress_region(console):
    response = console.get(CREATE)

    assert response.status_code == 200
    body = response.content.decode()
    assert accessibility_problems(body) == []
    assert 'id="provision-form"' in body
    assert "data-busy-form" in body
    assert 'data-busy-text="Provisioning…"' in body
    assert 'id="provision-progress" role="status" aria-live="polite"' in body
    assert 'id="provision-submit"' in body
    assert '<script src="/static/js/console.js" defer></script>' in body
    assert "The organization will live at <var>slug</var>.learnstack.test." in body


def test_console_script_is_served_and_drives_the_progress_region(console):
    response = console.get("/static/js/console.js")

    assert response.status_code == 200
    script = b"".join(response.streaming_content).decode()
    assert "data-busy-form" in script
    assert "button.disabled = true" in script
    assert "form.dataset.progressText" in script


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "slug",
            "Not A Slug!",
            "Use lower-case letters, digits and hyphens; start with a letter and end with a letter or digit.",
        ),
        ("slug", "ab", "Use between 3 and 63 characters."),
        ("slug", "console", "&#x27;console&#x27; is reserved."),
        ("slug", "www", "&#x27;www&#x27; is reserved."),
        ("slug", "globex", "This slug is already taken."),
        ("admin_email", "not-an-email", "Enter a valid email address."),
        ("name", "", "This field is required."),
        ("plan", "999999", "Select a valid choice. That choice is not one of the available choices."),
        ("trial_days", "400", "Ensure this value is less than or equal to 365."),
    ],
)
def test_field_errors_are_shown_next_to_the_field(console, form_data, field, value, message):
    response = console.post(CREATE, {**form_data, field: value})

    assert response.status_code == 200
    body = response.content.decode()
    error_block = re.search(rf'<div class="error" id="id_{field}_error">(.*?)</div>', body, re.S)
    assert error_block, f"no error block for {field}"
    assert message in error_block.group(1)
    control = re.search(rf'<(?:input|select)[^>]*name="{field}"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in control
    assert f"id_{field}_error" in control  # aria-describedby points at the message
    assert f'<a href="#id_{field}">' in body  # the error summary links to the field
    assert accessibility_problems(body) == []
    assert not Organization.objects.filter(slug="initech").exists()
    assert not schema_exists("initech")


def test_provisioning_through_the_form_creates_a_working_organization(
    console, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post(CREATE, form_data)

    organization = Organization.objects.get(slug="initech")
    assert response.status_code == 302
    assert response["Location"] == console_url("organization", organization.pk)
    assert organization.status == Organization.Status.TRIAL
    assert organization.admin_email == "bill@initech.example.com"
    assert organization.subscription.plan.code == "starter"
    assert schema_exists("initech")
    event = OrganizationEvent.objects.get(organization=organization, action="provisioned")
    assert (event.actor_email, event.ip_address) == ("admin@example.com", OPERATOR_IP)

    # The org page shows the invitation link once.
    page = console.get(response["Location"]).content.decode()
    assert "Initech is ready at http://initech.learnstack.test." in page
    invitation_url = re.search(r'value="(http://initech\.learnstack\.test/invite/[^"]+)"', page).group(1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bill@initech.example.com"]
    assert invitation_url in mail.outbox[0].body

    # The new host serves its home page, and the invitation signs the first Org Admin in.
    org_client = client_for("initech")
    home = org_client.get("/")
    assert home.status_code == 200
    assert "Initech" in home.content.decode()
    path = urlsplit(invitation_url).path
    assert org_client.get(path).status_code == 200
    accepted = org_client.post(
        path, {"full_name": "Bill Lumbergh", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert accepted.status_code == 302
    signed_in = org_client.get("/").content.decode()
    assert "You are signed in as <strong>bill@initech.example.com</strong> (Org Admin)" in signed_in


def test_zero_trial_days_starts_active(console, form_data):
    console.post(CREATE, {**form_data, "trial_days": 0})

    organization = Organization.objects.get(slug="initech")
    assert organization.status == Organization.Status.ACTIVE
    assert organization.subscription.status == "active"


def test_slug_is_normalised_to_lower_case(console, form_data):
    response = console.post(CREATE, {**form_data, "slug": "  InitTech "})

    assert response.status_code == 302
    assert Organization.objects.filter(slug="inittech").exists()


def test_submitting_the_same_organization_twice_changes_nothing(console, form_data):
    first = console.post(CREATE, form_data, follow=True)
    assert "/invite/" in first.content.decode()

    response = console.post(CREATE, form_data, follow=True)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Initech already exists with this admin; nothing was changed." in body
    assert "/invite/" not in body  # the link was shown once, with the first answer
    assert Organization.objects.filter(slug="initech").count() == 1
    assert OrganizationEvent.objects.filter(org_slug="initech", action="provisioned").count() == 1


def test_a_failed_provisioning_is_rolled_back_and_reported(console, form_data, monkeypatch):
    from tenants import services

    def broken(*args, **kwargs):
        raise RuntimeError("template schema missing")

    monkeypatch.setattr(services, "_create_schema", broken)

    response = console.post(CREATE, form_data)
    connection.set_schema_to_public()

    assert response.status_code == 200
    body = response.content.decode()
    assert "Provisioning failed and was rolled back; nothing was created." in body
    assert 'role="alert"' in body
    assert not Organization.objects.filter(slug="initech").exists()
    assert not schema_exists("initech")
    failure = OrganizationEvent.objects.get(org_slug="initech")
    assert failure.action == "provision_failed"
    assert failure.actor_email == "admin@example.com"
    assert failure.details["error"] == "RuntimeError: template schema missing"


def test_a_repeat_submit_after_a_lost_answer_still_shows_the_unseen_invitation_once(console, form_data):
    console.post(CREATE, form_data)  # the answer never reached the operator: the org page was not shown

    response = console.post(CREATE, form_data, follow=True)

    assert "already exists with this admin" in response.content.decode()
    assert "http://initech.learnstack.test/invite/" in response.content.decode()
    assert "/invite/" not in console.get(response.request["PATH_INFO"]).content.decode()
