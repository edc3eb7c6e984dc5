"""Suspend, reactivate, archive and delete: what each does to pages, the API and the data."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from apps.core.errors import InvalidState
from tenants import services
from tenants.models import Organization, OrganizationEvent
from tests.conftest import PASSWORD, browser_for, client_for


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit hooks (cache invalidation) as a committed transaction would."""

    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


def test_suspended_org_shows_a_suspended_page_and_keeps_its_data(acme, acme_admin, on_commit, operator):
    on_commit(
        services.organization_suspend,
        organization=acme,
        reason="Invoice unpaid",
        actor=services.Actor(user=operator, ip_address="203.0.113.9"),
    )

    response = browser_for(acme, acme_admin).get("/")

    assert response.status_code == 403
    assert "Acme Academy is suspended" in response.content.decode()
    with schema_context("acme"):
        assert get_user_model().objects.filter(email=acme_admin.email).exists()
    event = OrganizationEvent.objects.get(organization=acme, action="suspended")
    assert (event.actor_email, event.ip_address, event.details["reason"]) == (
        "admin@example.com",
        "203.0.113.9",
        "Invoice unpaid",
    )
    assert event.actor == operator


def test_suspended_org_api_answers_403_tenant_suspended(acme, acme_admin_client, on_commit):
    on_commit(services.organization_suspend, organization=acme)

    response = acme_admin_client.get("/api/v1/auth/me")

    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "data": None,
        "meta": None,
        "error": {
            "code": "TENANT_SUSPENDED",
            "message": "This organization is suspended. Its data is kept; contact the platform operator.",
            "details": {},
        },
    }


def test_suspending_one_org_leaves_the_other_alone(acme, globex_admin_client, on_commit):
    on_commit(services.organization_suspend, organization=acme)

    assert globex_admin_client.get("/api/v1/auth/me").status_code == 200


def test_reactivated_org_is_served_again(acme, acme_admin_client, on_commit):
    on_commit(services.organization_suspend, organization=acme)
    on_commit(services.organization_reactivate, organization=acme)

    assert acme_admin_client.get("/api/v1/auth/me").status_code == 200
    acme.refresh_from_db()
    assert (acme.status, acme.suspended_at) == (Organization.Status.ACTIVE, None)


def test_archived_org_is_read_only(acme, acme_admin_client, on_commit):
    on_commit(services.organization_archive, organization=acme)

    read = acme_admin_client.get(f"/api/v1/organizations/{acme.pk}")
    write = acme_admin_client.put(f"/api/v1/organizations/{acme.pk}", {"name": "Renamed"}, format="json")

    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["error"]["code"] == "TENANT_ARCHIVED"
    acme.refresh_from_db()
    assert acme.name == "Acme Academy"


def test_archived_org_pages_refuse_writes(acme, on_commit):
    from apps.accounts.services import user_invite

    with schema_context("acme"):
        invitation = user_invite(email="late@acme.example.com")
    on_commit(services.organization_archive, organization=acme)

    response = client_for("acme").post(
        invitation.path, {"password1": "a-long-pass-1", "password2": "a-long-pass-1"}
    )

    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    with schema_context("acme"):
        assert get_user_model().objects.get(email="late@acme.example.com").status == "invited"


def test_members_of_an_archived_org_can_still_sign_in_and_read(acme, acme_admin, on_commit):
    on_commit(services.organization_archive, organization=acme)
    client = client_for("acme")

    page_login = client.post("/accounts/login/", {"username": acme_admin.email, "password": PASSWORD})
    api_login = client.post(
        "/api/v1/auth/login", {"email": acme_admin.email, "password": PASSWORD}, format="json"
    )

    assert page_login.status_code == 302
    assert api_login.status_code == 200


@pytest.mark.parametrize(
    ("start", "action"),
    [
        ("suspended", services.organization_suspend),
        ("active", services.organization_reactivate),
        ("archived", services.organization_archive),
    ],
)
def test_transitions_from_the_wrong_state_are_refused(acme, start, action):
    Organization.objects.filter(pk=acme.pk).update(status=start)
    acme.refresh_from_db()

    with pytest.raises(InvalidState):
        action(organization=acme)


def test_the_platform_tenant_cannot_be_suspended(db):
    public = Organization.objects.get(schema_name="public")

    with pytest.raises(InvalidState):
        services.organization_suspend(organization=public)


def test_delete_requires_archiving_first(acme):
    with pytest.raises(InvalidState, match="Archive the organization first"):
        services.organization_delete(organization=acme)

    assert schema_exists("acme")


def test_delete_waits_for_the_grace_period(acme):
    archived = services.organization_archive(organization=acme)

    with pytest.raises(InvalidState, match="can be deleted from"):
        services.organization_delete(organization=archived)

    assert schema_exists("acme")


def test_delete_after_the_grace_period_drops_the_schema_and_keeps_the_history(acme, operator):
    archived = services.organization_archive(organization=acme)
    Organization.objects.filter(pk=acme.pk).update(archived_at=timezone.now() - timedelta(days=31))
    archived.refresh_from_db()

    services.organization_delete(organization=archived, actor=services.Actor(user=operator))

    assert not schema_exists("acme")
    assert not Organization.objects.filter(slug="acme").exists()
    history = list(OrganizationEvent.objects.filter(org_slug="acme").values_list("action", flat=True))
    assert history[:2] == ["deleted", "archived"]
    assert client_for("acme").get("/").status_code == 404


def test_change_plan_is_recorded(acme, plans):
    subscription = services.subscription_change_plan(organization=acme, plan=plans["enterprise"], seats=900)

    assert (subscription.plan.code, subscription.seats) == ("enterprise", 900)
    event = OrganizationEvent.objects.get(organization=acme, action="plan_changed")
    assert event.details == {"previous": "growth", "plan": "enterprise", "seats": 900}


def test_org_member_actions_are_recorded_without_linking_a_public_user(acme, acme_admin):
    """An org member's id means nothing in the public schema: record who by email and org only."""
    services.organization_update(
        organization=acme, name="Acme Academy Intl", actor=services.Actor(user=acme_admin, schema="acme")
    )

    event = OrganizationEvent.objects.get(organization=acme, action="updated")
    assert event.actor is None
    assert (event.actor_email, event.details["actor_org"]) == ("orgadmin@acme.example.com", "acme")
