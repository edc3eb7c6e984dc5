"""The organization page: domains, subscription, usage, history, the one-time invitation, plan changes."""

import re

import pytest

from tenants.models import Domain, OrganizationEvent, Subscription
from tests.conftest import in_org
from tests.console.conftest import OPERATOR_IP
from tests.console.helpers import accessibility_problems, console_url


def test_shows_domains_subscription_usage_and_history(console, acme):
    from django.contrib.auth import get_user_model

    with in_org(acme):
        people = get_user_model().objects.exclude(status="deactivated").count()
    Domain.objects.create(tenant=acme, domain="learn.acme-corp.example", is_primary=False)

    response = console.get(console_url("organization", acme.pk))

    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1>Acme Academy <span class="status status-active">Active</span></h1>' in body
    assert '<a href="http://acme.learnstack.test/">http://acme.learnstack.test</a>' in body
    assert '<code>acme.learnstack.test</code> <span class="badge">primary</span>' in body
    assert "<code>learn.acme-corp.example</code></th>" in body
    assert "<dt>Plan</dt><dd>Growth</dd>" in body
    assert "<dt>Status</dt><dd>Active</dd>" in body
    assert "<dt>Seats</dt><dd>plan limit</dd>" in body
    assert "500 active users, 200 courses, 20480 MB storage" in body
    assert f'<dt>Users</dt><dd data-usage="users">{people}</dd>' in body
    assert "<strong>Provisioned</strong>" in body
    assert "for orgadmin@acme.example.com" in body
    assert accessibility_problems(body) == []


def test_invitation_link_is_shown_once_and_only_on_its_organizations_page(console, plans, globex):
    console.post(
        console_url("organization_create"),
        {
            "name": "Initech",
            "slug": "initech",
            "plan": plans["starter"].pk,
            "admin_email": "bill@initech.example.com",
            "trial_days": 14,
        },
    )
    from tenants.models import Organization

    initech = Organization.objects.get(slug="initech")

    other = console.get(console_url("organization", globex.pk)).content.decode()
    first = console.get(console_url("organization", initech.pk)).content.decode()
    second = console.get(console_url("organization", initech.pk)).content.decode()

    assert "/invite/" not in other
    assert re.search(
        r'<input type="text" readonly value="http://initech\.learnstack\.test/invite/[^"]+/"', first
    )
    assert "Invitation for bill@initech.example.com" in first
    assert "This link is shown only once" in first
    assert 'data-copy="invitation-url"' in first
    assert accessibility_problems(first) == []
    assert "/invite/" not in second
    assert "Invitation for" not in second


def test_change_plan_records_who_did_it(console, acme, plans):
    response = console.post(
        console_url("organization_plan", acme.pk), {"plan": plans["enterprise"].pk, "seats": 40}, follow=True
    )

    subscription = Subscription.objects.get(organization=acme)
    assert (subscription.plan.code, subscription.seats) == ("enterprise", 40)
    event = OrganizationEvent.objects.get(organization=acme, action="plan_changed")
    assert (event.actor_email, event.ip_address) == ("admin@example.com", OPERATOR_IP)
    assert event.details == {"previous": "growth", "plan": "enterprise", "seats": 40}
    body = response.content.decode()
    assert "Acme Academy is now on Enterprise, with 40 seats." in body
    assert "growth → enterprise, 40 seats" in body
    assert f"by admin@example.com from {OPERATOR_IP}" in body


def test_change_plan_to_the_same_plan_changes_nothing(console, acme, plans):
    response = console.post(
        console_url("organization_plan", acme.pk), {"plan": plans["growth"].pk}, follow=True
    )

    assert "Acme Academy is already on Growth; nothing was changed." in response.content.decode()
    assert not OrganizationEvent.objects.filter(organization=acme, action="plan_changed").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"plan": "999999"}, "The plan was not changed: Plan: Select a valid choice."),
        ({"plan": "", "seats": "0"}, "Seats: Ensure this value is greater than or equal to 1."),
        ({}, "The plan was not changed: Plan: This field is required."),
    ],
)
def test_invalid_plan_change_is_refused_with_a_message(console, acme, data, message):
    response = console.post(console_url("organization_plan", acme.pk), data, follow=True)

    assert message in response.content.decode()
    assert Subscription.objects.get(organization=acme).plan.code == "growth"
    assert not OrganizationEvent.objects.filter(organization=acme, action="plan_changed").exists()
