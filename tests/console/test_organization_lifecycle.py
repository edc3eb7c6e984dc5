"""Suspend, reactivate, archive and delete from the console: each writes an event naming the operator and
their address, wrong transitions are refused with a message, and deletion needs archive + grace + the slug."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants.models import Organization, OrganizationEvent
from tests.conftest import client_for
from tests.console.conftest import OPERATOR_IP
from tests.console.helpers import accessibility_problems, console_url


@pytest.fixture
def act(console, django_capture_on_commit_callbacks):
    """act(org, "suspend", reason=...) posts a lifecycle action as the operator and follows the redirect."""

    def _act(organization, action, **data):
        if action in ("suspend", "archive"):
            data.setdefault("confirm", "on")
        with django_capture_on_commit_callbacks(execute=True):  # host-cache invalidation runs on commit
            return console.post(
                console_url("organization_lifecycle", organization.pk),
                {"action": action, **data},
                follow=True,
            )

    return _act


def _events(organization, action):
    return list(OrganizationEvent.objects.filter(org_slug=organization.slug, action=action))


def _refresh(organization):
    return Organization.objects.get(pk=organization.pk)


def test_suspend_records_the_operator_and_the_org_host_answers_suspended(act, acme):
    assert client_for("acme").get("/").status_code == 200  # warms the host cache

    response = act(acme, "suspend", reason="Unpaid invoice")

    body = response.content.decode()
    assert "Acme Academy is suspended. Its members see a suspended page; its data is kept." in body
    assert '<span class="status status-suspended">Suspended</span>' in body
    assert "<strong>Reason:</strong> Unpaid invoice" in body
    assert "Reactivate organization" in body
    assert _refresh(acme).status == Organization.Status.SUSPENDED
    [event] = _events(acme, "suspended")
    assert (event.actor_email, event.ip_address) == ("admin@example.com", OPERATOR_IP)
    assert event.details["reason"] == "Unpaid invoice"
    page = client_for("acme").get("/")
    assert page.status_code == 403
    assert "Acme Academy is suspended" in page.content.decode()
    assert client_for("acme").get("/api/v1/auth/me").json()["error"]["code"] == "TENANT_SUSPENDED"


def test_reactivate_records_the_operator_and_the_org_is_served_again(act, acme):
    act(acme, "suspend")

    response = act(acme, "reactivate")

    assert "Acme Academy is reactivated." in response.content.decode()
    assert _refresh(acme).status == Organization.Status.ACTIVE
    [event] = _events(acme, "reactivated")
    assert (event.actor_email, event.ip_address) == ("admin@example.com", OPERATOR_IP)
    assert client_for("acme").get("/").status_code == 200


def test_archive_records_the_operator_and_makes_the_org_read_only(act, acme):
    response = act(acme, "archive", reason="Contract ended")

    body = response.content.decode()
    assert "Acme Academy is archived and read-only." in body
    assert "This one can be deleted from" in body
    assert 'name="confirm_slug"' not in body  # no delete form before the grace period is over
    assert accessibility_problems(body) == []
    organization = _refresh(acme)
    assert organization.status == Organization.Status.ARCHIVED
    assert organization.archived_at is not None
    [event] = _events(acme, "archived")
    assert (event.actor_email, event.ip_address, event.details["reason"]) == (
        "admin@example.com",
        OPERATOR_IP,
        "Contract ended",
    )
    assert client_for("acme").get("/").status_code == 200
    assert client_for("acme").post("/invite/x/y/").status_code == 403


@pytest.mark.parametrize(
    ("setup", "action", "message"),
    [
        ("archive", "suspend", "An organization that is archived cannot be suspended."),
        (None, "reactivate", "An organization that is active cannot be reactivated."),
        ("archive", "archive", "An organization that is archived cannot be archived."),
    ],
)
def test_impossible_transitions_are_refused_with_a_message(act, acme, setup, action, message):
    if setup:
        act(acme, setup)
    status_before = _refresh(acme).status
    events_before = OrganizationEvent.objects.count()

    response = act(acme, action)

    assert message in response.content.decode()
    assert 'class="message message-error"' in response.content.decode()
    assert _refresh(acme).status == status_before
    assert OrganizationEvent.objects.count() == events_before


def test_unknown_action_is_refused(act, acme):
    response = act(acme, "explode")

    assert "Unknown action; nothing was changed." in response.content.decode()
    assert _refresh(acme).status == Organization.Status.ACTIVE


def _archive_long_ago(act, organization, days=31):
    act(organization, "archive")
    Organization.objects.filter(pk=organization.pk).update(archived_at=timezone.now() - timedelta(days=days))


def test_delete_is_refused_unless_archived(act, acme):
    response = act(acme, "delete", confirm_slug="acme")

    body = response.content.decode()
    assert "Archive the organization first; it can be deleted after the grace period." in body
    assert Organization.objects.filter(pk=acme.pk).exists()
    assert schema_exists("acme")


def test_delete_is_refused_during_the_grace_period(act, acme):
    _archive_long_ago(act, acme, days=29)

    response = act(acme, "delete", confirm_slug="acme")

    assert "30 days after it was archived." in response.content.decode()
    assert "The organization can be deleted from" in response.content.decode()
    assert Organization.objects.filter(pk=acme.pk).exists()
    assert schema_exists("acme")


@pytest.mark.parametrize("typed", ["", "acm", "ACME", "globex"])
def test_delete_is_refused_without_the_slug_typed_exactly(act, acme, typed):
    _archive_long_ago(act, acme)

    response = act(acme, "delete", confirm_slug=typed)

    body = response.content.decode()
    assert (
        "Type the organization&#x27;s subdomain (acme) exactly to confirm deletion; nothing was deleted."
    ) in body
    assert Organization.objects.filter(pk=acme.pk).exists()
    assert schema_exists("acme")
    assert not _events(acme, "deleted")


def test_delete_after_the_grace_period_drops_the_schema_and_keeps_the_history(console, act, acme):
    _archive_long_ago(act, acme)
    detail = console.get(console_url("organization", acme.pk)).content.decode()
    assert 'name="confirm_slug"' in detail  # the page offers deletion once it is allowed
    assert "Type <code>acme</code> to confirm" in detail
    assert accessibility_problems(detail) == []

    response = act(acme, "delete", confirm_slug="acme")

    assert response.redirect_chain[-1][0] == console_url("organizations")
    assert "Acme Academy was deleted and its schema dropped." in response.content.decode()
    assert not Organization.objects.filter(pk=acme.pk).exists()
    assert not schema_exists("acme")
    [event] = _events(acme, "deleted")
    assert (event.actor_email, event.ip_address) == ("admin@example.com", OPERATOR_IP)
    assert event.organization_id is None
    assert len(_events(acme, "provisioned")) == 1  # the history outlives the organization
    assert client_for("acme").get("/").status_code == 404


def test_an_action_without_a_client_address_is_recorded_without_one(console, acme):
    console.post(
        console_url("organization_lifecycle", acme.pk), {"action": "suspend", "confirm": "on"}, REMOTE_ADDR=""
    )

    [event] = _events(acme, "suspended")
    assert (event.actor_email, event.ip_address) == ("admin@example.com", None)
