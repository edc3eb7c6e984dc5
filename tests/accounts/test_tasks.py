"""Background tasks carry their organization and are safe to run twice."""

from django.db import connection
from django_tenants.utils import schema_context
from tenant_schemas_celery.task import TenantTask

from apps.accounts.services import invitation_accept, user_invite
from apps.accounts.tasks import send_invitation_email


def test_tasks_are_tenant_aware(db):
    assert isinstance(send_invitation_email, TenantTask)


def test_a_task_runs_in_the_schema_named_in_its_headers_not_the_callers(acme, globex, mailoutbox):
    with schema_context("acme"):
        acme_user = user_invite(email="only-in-acme@acme.example.com").user
    connection.set_schema_to_public()

    # What a worker does with a message queued from acme: the schema travels in the headers.
    result = send_invitation_email.apply(
        kwargs={"user_id": acme_user.pk, "url": "http://x/invite/"}, headers={"_schema_name": "acme"}
    )

    assert result.get() is True
    assert [m.to for m in mailoutbox] == [["only-in-acme@acme.example.com"]]
    assert "Acme Academy" in mailoutbox[0].subject


def test_the_same_id_in_another_schema_is_a_different_person(acme, globex, mailoutbox):
    with schema_context("acme"):
        acme_user = user_invite(email="acme-person@acme.example.com").user

    result = send_invitation_email.apply(
        kwargs={"user_id": acme_user.pk, "url": "http://x/"}, headers={"_schema_name": "globex"}
    )

    assert result.get() is False  # globex has no invited person with that id
    assert mailoutbox == []


def test_running_the_invitation_task_again_after_acceptance_sends_nothing(acme, mailoutbox):
    with schema_context("acme"):
        invitation = user_invite(email="twice@acme.example.com")
        token = invitation.path.rstrip("/").rsplit("/", 1)[1]
        invitation_accept(user=invitation.user, token=token, password="a-good-pass-99")

        sent = send_invitation_email.apply(kwargs={"user_id": invitation.user.pk, "url": "http://x/"}).get()

    assert sent is False
    assert mailoutbox == []
