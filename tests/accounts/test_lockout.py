"""Lockout after repeated failed sign-ins (django-axes): per account and per client address, on the sign-in
page, the API and the platform's Django admin alike; counted per organization (schema)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, browser_for, client_for, host_of, in_org

LOGIN_PAGE = "/accounts/login/"
LOGIN_API = "/api/v1/auth/login"
LOCKED_TEXT = "Too many failed sign-in attempts"


def page_login(slug, email, password, ip="192.0.2.10"):
    client = Client(HTTP_HOST=host_of(slug), REMOTE_ADDR=ip)
    return client.post(LOGIN_PAGE, {"login": email, "password": password})


def api_login(slug, email, password, ip="192.0.2.10"):
    body = {"email": email, "password": password}
    return client_for(slug).post(LOGIN_API, body, format="json", REMOTE_ADDR=ip)


def admin_login(email, password, ip="192.0.2.10"):
    client = Client(HTTP_HOST=host_of(None), REMOTE_ADDR=ip)
    return client, client.post(
        "/admin/login/?next=/admin/", {"username": email, "password": password, "next": "/admin/"}
    )


def test_page_locks_the_account_after_five_failures_even_with_the_right_password(acme, acme_admin):
    failures = [page_login("acme", acme_admin.email, f"wrong-{n}").status_code for n in range(5)]

    sixth = page_login("acme", acme_admin.email, PASSWORD)

    assert failures == [200, 200, 200, 200, 429]
    assert sixth.status_code == 429
    assert sixth["Retry-After"] == "900"
    body = sixth.content.decode()
    assert LOCKED_TEXT in body
    assert "paused for 15 minutes" in body
    assert 'href="/accounts/password/reset/"' in body
    assert "sessionid" not in sixth.cookies or sixth.cookies["sessionid"].value == ""


def test_api_locks_the_account_with_account_locked_in_the_envelope(acme, acme_admin):
    failures = [api_login("acme", acme_admin.email, f"wrong-{n}").status_code for n in range(4)]
    fifth = api_login("acme", acme_admin.email, "wrong-5")

    sixth = api_login("acme", acme_admin.email, PASSWORD)

    assert failures == [401, 401, 401, 401]
    assert fifth.status_code == 429
    assert sixth.status_code == 429
    assert sixth["Retry-After"] == "900"
    assert sixth["X-RateLimit-Limit"] == "100"  # still an API answer, with its headers
    body = sixth.json()
    assert body["success"] is False
    assert body["error"]["code"] == "ACCOUNT_LOCKED"
    assert body["error"]["details"] == {"retry_after_seconds": 900}
    assert LOCKED_TEXT in body["error"]["message"]


def test_page_and_api_failures_count_together(acme, acme_admin):
    for n in range(3):
        page_login("acme", acme_admin.email, f"wrong-{n}")
    for n in range(2):
        api_login("acme", acme_admin.email, f"wrong-api-{n}")

    assert page_login("acme", acme_admin.email, PASSWORD).status_code == 429
    assert api_login("acme", acme_admin.email, PASSWORD).json()["error"]["code"] == "ACCOUNT_LOCKED"


def test_the_account_is_locked_whatever_address_the_attempts_come_from(acme, acme_admin, acme_teacher):
    for n in range(5):
        api_login("acme", acme_admin.email, "wrong", ip=f"198.51.100.{n + 1}")

    from_a_new_address = api_login("acme", acme_admin.email, PASSWORD, ip="198.51.100.99")
    other_account_same_addresses = api_login("acme", acme_teacher.email, PASSWORD, ip="198.51.100.1")

    assert from_a_new_address.status_code == 429
    assert other_account_same_addresses.status_code == 200


def test_an_address_is_locked_whatever_accounts_it_tries(acme, acme_admin):
    for n in range(5):
        page_login("acme", f"guess-{n}@acme.example.com", "wrong", ip="203.0.113.7")

    same_address = page_login("acme", acme_admin.email, PASSWORD, ip="203.0.113.7")
    same_address_api = api_login("acme", acme_admin.email, PASSWORD, ip="203.0.113.7")
    other_address = page_login("acme", acme_admin.email, PASSWORD, ip="203.0.113.8")

    assert same_address.status_code == 429
    assert same_address_api.status_code == 429
    assert other_address.status_code == 302


def test_unknown_and_existing_accounts_lock_out_alike(acme, acme_admin):
    for n in range(5):
        api_login("acme", acme_admin.email, "wrong", ip=f"198.51.100.{n + 1}")
        api_login("acme", "nobody@acme.example.com", "wrong", ip=f"198.51.100.{n + 1}")

    existing = api_login("acme", acme_admin.email, "wrong", ip="198.51.100.50")
    unknown = api_login("acme", "nobody@acme.example.com", "wrong", ip="198.51.100.50")

    assert existing.status_code == unknown.status_code == 429
    assert existing.json() == unknown.json()


def test_a_lockout_at_acme_does_not_lock_the_same_email_or_address_at_globex(acme, globex):
    User = get_user_model()
    for organization in (acme, globex):
        with in_org(organization):
            User.objects.create_user("twin@example.com", PASSWORD)
    for n in range(5):
        page_login("acme", "twin@example.com", f"wrong-{n}")

    locked_at_acme = api_login("acme", "twin@example.com", PASSWORD)
    page_at_globex = page_login("globex", "twin@example.com", PASSWORD)
    api_at_globex = api_login("globex", "twin@example.com", PASSWORD)

    assert locked_at_acme.status_code == 429
    assert page_at_globex.status_code == 302
    assert api_at_globex.status_code == 200


def test_the_platform_admin_locks_out_too(operator):
    statuses = [admin_login(operator.email, f"wrong-{n}")[1].status_code for n in range(5)]

    client, sixth = admin_login(operator.email, PASSWORD)

    assert statuses == [200, 200, 200, 200, 429]
    assert sixth.status_code == 429
    assert LOCKED_TEXT in sixth.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_the_platform_admin_locks_out_an_address_too(operator):
    for n in range(5):
        admin_login(f"someone-{n}@example.com", "wrong", ip="203.0.113.20")

    _, same_address = admin_login(operator.email, PASSWORD, ip="203.0.113.20")
    client, other_address = admin_login(operator.email, PASSWORD, ip="203.0.113.21")

    assert same_address.status_code == 429
    assert other_address.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_platform_admin_lockouts_do_not_reach_organizations(operator, acme, acme_admin):
    for n in range(5):
        admin_login(acme_admin.email, f"wrong-{n}")

    assert api_login("acme", acme_admin.email, PASSWORD).status_code == 200


def test_the_lock_ends_after_the_cooloff(acme, acme_admin):
    from axes.models import AccessAttempt

    for n in range(5):
        api_login("acme", acme_admin.email, f"wrong-{n}")
    with in_org(acme):
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert api_login("acme", acme_admin.email, PASSWORD).status_code == 200


def test_a_success_clears_the_accounts_count(acme, acme_admin):
    for n in range(4):
        api_login("acme", acme_admin.email, f"wrong-{n}", ip=f"198.51.100.{n + 1}")
    assert api_login("acme", acme_admin.email, PASSWORD, ip="198.51.100.30").status_code == 200

    after = [
        api_login("acme", acme_admin.email, "wrong", ip=f"198.51.100.{n + 40}").status_code for n in range(4)
    ]

    assert after == [401, 401, 401, 401]


@pytest.mark.parametrize(("limit", "minutes"), [(2, 1), (3, 30)])
def test_limit_and_cooloff_are_settings(acme, acme_admin, settings, limit, minutes):
    settings.AXES_FAILURE_LIMIT = limit
    settings.AXES_COOLOFF_TIME = timedelta(minutes=minutes)

    statuses = [api_login("acme", acme_admin.email, f"wrong-{n}").status_code for n in range(limit)]
    locked = page_login("acme", acme_admin.email, PASSWORD)

    assert statuses == [401] * (limit - 1) + [429]
    assert locked.status_code == 429
    assert f"paused for {minutes} minute{'s' if minutes != 1 else ''}" in locked.content.decode()
    assert locked["Retry-After"] == str(minutes * 60)


def test_the_console_sign_in_locks_out_too(operator):
    client = Client(HTTP_HOST=host_of(None), REMOTE_ADDR="192.0.2.10")
    for n in range(5):
        client.post("/console/login/", {"username": operator.email, "password": f"wrong-{n}"})

    response = client.post("/console/login/", {"username": operator.email, "password": PASSWORD})

    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()


def test_sign_in_page_of_a_locked_account_still_opens(acme, acme_admin):
    for n in range(5):
        page_login("acme", acme_admin.email, f"wrong-{n}")

    assert browser_for(acme).get(LOGIN_PAGE).status_code == 200
