"""/manage/api-keys/: Org Admins list keys, create one (the key shown once, on that response only) and
revoke with a confirmation. Other roles get 403; visitors are sent to sign in."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.apikeys.models import ApiKey
from apps.audit.models import AuditEntry
from tests.conftest import browser_for, person

from .conftest import in_days, store

LIST = "/manage/api-keys/"
RAW_KEY = re.compile(r"lsk_[a-z0-9]{8}_[A-Za-z0-9]{40}")


def revoke_path(api_key) -> str:
    return f"/manage/api-keys/{api_key.pk}/revoke/"


def test_org_admin_sees_every_key_with_its_details(acme, acme_admin):
    store(
        acme, acme_admin, name="Payroll sync", scopes=["users:read", "classes:write"], expires_at=in_days(30)
    )
    revoked, _ = store(acme, person(acme, "manager"), name="Old exporter", revoked=True)

    response = browser_for(acme, acme_admin).get(LIST)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Payroll sync" in body
    assert "Old exporter" in body
    assert f"lsk_{revoked.prefix}_…{revoked.last_four}" in body
    assert '<span class="badge">users:read</span>' in body
    assert '<span class="badge">classes:write</span>' in body
    assert "Acme Academy Admin" in body  # created by
    assert "Manager" in body
    assert '<span class="status status-active">Active</span>' in body
    assert '<span class="status status-revoked">Revoked</span>' in body
    assert revoke_path(revoked) not in body  # nothing left to revoke
    assert 'name="scope_users"' in body
    assert RAW_KEY.search(body) is None


def test_the_page_costs_the_same_queries_for_one_key_or_many(acme, acme_admin):
    browser = browser_for(acme, acme_admin)
    store(acme, acme_admin)
    browser.get(LIST)  # the host -> organization lookup is cached from here on
    with CaptureQueriesContext(connection) as one:
        assert browser.get(LIST).status_code == 200
    for local in ("manager", "teacher", "student", "south-teacher", "south-student"):
        store(acme, person(acme, local), name=f"Key of {local}", revoked=True)
    with schema_context("acme"):
        ApiKey.objects.update(revoked_by=acme_admin)

    with CaptureQueriesContext(connection) as many:
        assert browser.get(LIST).content.decode().count("Key of ") == 5

    # search_path, session, user, roles, plan, count, page (7 today): none of them per key
    assert len(many.captured_queries) == len(one.captured_queries)


def test_creating_a_key_shows_it_once(acme, acme_admin):
    browser = browser_for(acme, acme_admin)

    response = browser.post(
        LIST,
        {
            "name": "Payroll sync",
            "scope_users": "read",
            "scope_classes": "write",
            "expires_on": in_days(10).date().isoformat(),
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown = RAW_KEY.findall(response.content.decode())
    assert len(set(shown)) == 1
    raw = shown[0]
    with schema_context("acme"):
        api_key = ApiKey.objects.get()
    assert (api_key.name, api_key.scopes) == ("Payroll sync", ["classes:write", "users:read"])
    assert api_key.expires_at.date() == in_days(10).date()
    assert raw == f"lsk_{api_key.prefix}_{raw.split('_')[2]}"
    assert raw.endswith(api_key.last_four)
    assert "shown only this once" in response.content.decode()
    assert raw not in browser.get(LIST).content.decode()


def test_a_key_without_scopes_is_a_form_error(acme, acme_admin):
    response = browser_for(acme, acme_admin).post(LIST, {"name": "Payroll sync"})

    assert response.status_code == 200
    assert "Choose at least one scope." in response.content.decode()
    assert 'value="Payroll sync"' in response.content.decode()
    with schema_context("acme"):
        assert ApiKey.objects.count() == 0


def test_a_past_expiry_is_a_form_error(acme, acme_admin):
    response = browser_for(acme, acme_admin).post(
        LIST, {"name": "Payroll sync", "scope_users": "read", "expires_on": "2020-01-01"}
    )

    assert "Choose a day after today." in response.content.decode()
    with schema_context("acme"):
        assert ApiKey.objects.count() == 0


def test_revoking_asks_for_confirmation_then_revokes(acme, acme_admin):
    api_key, _ = store(acme, acme_admin, name="Payroll sync")
    browser = browser_for(acme, acme_admin)

    confirm = browser.get(revoke_path(api_key))
    with schema_context("acme"):
        assert ApiKey.objects.get().revoked_at is None
    done = browser.post(revoke_path(api_key))

    assert confirm.status_code == 200
    assert "Revoke “Payroll sync”?" in confirm.content.decode()
    assert '<button type="submit" class="danger">Revoke key</button>' in confirm.content.decode()
    assert (done.status_code, done["Location"]) == (302, LIST)
    with schema_context("acme"):
        stored = ApiKey.objects.get()
        entry = AuditEntry.objects.get(action="api_key.revoked")
    assert stored.revoked_at is not None
    assert stored.revoked_by == acme_admin
    assert (entry.actor_email, entry.target_id) == ("orgadmin@acme.example.com", str(api_key.pk))
    assert "was revoked" in browser.get(LIST).content.decode()


def test_creating_through_the_page_is_audited(acme, acme_admin):
    browser_for(acme, acme_admin).post(LIST, {"name": "Payroll sync", "scope_audit": "read"})

    with schema_context("acme"):
        entry = AuditEntry.objects.get(action="api_key.created")
    assert (entry.actor_email, entry.changes["scopes"], entry.changes["expires_at"]) == (
        "orgadmin@acme.example.com",
        ["audit:read"],
        None,
    )


@pytest.mark.parametrize("local", ["manager", "teacher", "student"])
def test_other_roles_are_refused(acme, acme_admin, local):
    api_key, _ = store(acme, acme_admin, name="Payroll sync")
    browser = browser_for(acme, person(acme, local))

    answers = [
        browser.get(LIST),
        browser.post(LIST, {"name": "Mine", "scope_users": "write"}),
        browser.get(revoke_path(api_key)),
        browser.post(revoke_path(api_key)),
    ]

    assert [r.status_code for r in answers] == [403, 403, 403, 403]
    assert all("Payroll sync" not in r.content.decode() for r in answers)
    with schema_context("acme"):
        assert list(ApiKey.objects.values_list("name", "revoked_at")) == [("Payroll sync", None)]


def test_visitors_are_sent_to_sign_in(acme, acme_admin):
    api_key, _ = store(acme, acme_admin)

    for path in (LIST, revoke_path(api_key)):
        response = browser_for(acme).get(path)

        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


def test_the_revoke_page_of_a_missing_key_is_404(acme, acme_admin):
    assert browser_for(acme, acme_admin).get("/manage/api-keys/999999/revoke/").status_code == 404


def test_the_nav_marks_the_api_keys_page(acme, acme_admin):
    admin_page = browser_for(acme, acme_admin).get(LIST).content.decode()

    assert '<a href="/manage/api-keys/" aria-current="page">API keys</a>' in admin_page
