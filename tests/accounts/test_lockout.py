"""Lockout after repeated failed sign-ins (django-axes, apps/accounts/lockout.py), on the sign-in page, the API
and the platform's admin and console alike, counted per organization (schema):

- one account from one address locks after AXES_FAILURE_LIMIT failures (5);
- one address locks for every account only after AXES_IP_FAILURE_LIMIT failures across accounts (100);
- an account is never locked on its own, and a reset through the emailed link lets its owner back in."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, browser_for, client_for, host_of, in_org

LOGIN_PAGE = "/accounts/login/"
LOGIN_API = "/api/v1/auth/login"
LOCKED_TEXT = "Too many failed sign-in attempts"
NEW_PASSWORD = "a-Brand-new-passphrase-77"
SCHOOL = "203.0.113.50"  # a school's NAT: a whole classroom behind one address
HOME = "192.0.2.77"
ATTACKER = "198.51.100.66"


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


def console_login(email, password, ip="192.0.2.10"):
    client = Client(HTTP_HOST=host_of(None), REMOTE_ADDR=ip)
    return client.post("/console/login/", {"username": email, "password": password})


def people(organization, count, prefix="pupil"):
    User = get_user_model()
    with in_org(organization):
        return [
            User.objects.create_user(f"{prefix}-{n}@acme.example.com", PASSWORD).email for n in range(count)
        ]


def spray(slug, count, ip, prefix="guess"):
    """One wrong password each for `count` accounts that do not exist, from `ip`."""
    return [page_login(slug, f"{prefix}-{n}@example.com", "wrong", ip=ip).status_code for n in range(count)]


# --- one account from one address ---------------------------------------------------------------------------


def test_page_locks_the_account_at_an_address_after_five_failures_even_with_the_right_password(
    acme, acme_admin
):
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


def test_a_classroom_behind_one_address_keeps_signing_in_while_one_of_them_mistypes(acme):
    """At the default limits, through the sign-in page: 30 pupils behind the school's NAT."""
    mistyper, *classmates = people(acme, 30)

    typos = [page_login("acme", mistyper, f"typo-{n}", ip=SCHOOL).status_code for n in range(8)]
    classroom = [page_login("acme", email, PASSWORD, ip=SCHOOL).status_code for email in classmates]
    mistyper_at_school = page_login("acme", mistyper, PASSWORD, ip=SCHOOL)
    mistyper_at_home = page_login("acme", mistyper, PASSWORD, ip=HOME)

    assert typos == [200, 200, 200, 200, 429, 429, 429, 429]
    assert classroom == [302] * 29
    assert mistyper_at_school.status_code == 429
    assert mistyper_at_home.status_code == 302


def test_someone_who_knows_an_address_cannot_keep_its_owner_out(acme, acme_admin):
    hammered = [api_login("acme", acme_admin.email, "guess", ip=ATTACKER).status_code for _ in range(20)]
    for n in range(10):  # and from ten more addresses, five guesses each
        for _ in range(5):
            api_login("acme", acme_admin.email, "guess", ip=f"198.51.100.{n + 1}")

    attacker_with_the_password = api_login("acme", acme_admin.email, PASSWORD, ip=ATTACKER)
    owner_api = api_login("acme", acme_admin.email, PASSWORD, ip=HOME)
    owner_page = page_login("acme", acme_admin.email, PASSWORD, ip=HOME)

    assert hammered == [401] * 4 + [429] * 16
    assert attacker_with_the_password.status_code == 429
    assert owner_api.status_code == 200
    assert owner_page.status_code == 302


def test_unknown_and_existing_accounts_lock_out_alike(acme, acme_admin):
    for _ in range(5):
        api_login("acme", acme_admin.email, "wrong", ip=ATTACKER)
        api_login("acme", "nobody@acme.example.com", "wrong", ip=ATTACKER)

    existing = api_login("acme", acme_admin.email, "wrong", ip=ATTACKER)
    unknown = api_login("acme", "nobody@acme.example.com", "wrong", ip=ATTACKER)

    assert existing.status_code == unknown.status_code == 429
    assert existing.json() == unknown.json()


def test_a_success_clears_that_accounts_failures_at_that_address(acme, acme_admin):
    for n in range(4):
        api_login("acme", acme_admin.email, f"wrong-{n}")
    assert api_login("acme", acme_admin.email, PASSWORD).status_code == 200

    after = [api_login("acme", acme_admin.email, f"wrong-{n}").status_code for n in range(4)]

    assert after == [401, 401, 401, 401]


# --- one address across accounts ----------------------------------------------------------------------------


def test_an_address_is_locked_for_every_account_after_many_failures_across_accounts(
    acme, acme_admin, settings
):
    settings.AXES_IP_FAILURE_LIMIT = 12

    statuses = spray("acme", 12, ip=ATTACKER)

    assert statuses == [200] * 11 + [429]
    assert page_login("acme", acme_admin.email, PASSWORD, ip=ATTACKER).status_code == 429
    assert (
        api_login("acme", acme_admin.email, PASSWORD, ip=ATTACKER).json()["error"]["code"] == "ACCOUNT_LOCKED"
    )
    assert page_login("acme", acme_admin.email, PASSWORD, ip=HOME).status_code == 302


def test_the_address_limit_is_a_hundred_failures_across_accounts_on_pages_and_api_together(acme, acme_admin):
    page_guesses = spray("acme", 50, ip=ATTACKER)
    api_guesses = [
        api_login("acme", f"api-guess-{n}@example.com", "wrong", ip=ATTACKER).status_code for n in range(49)
    ]
    still_open = api_login("acme", acme_admin.email, PASSWORD, ip=ATTACKER)
    hundredth = page_login("acme", "one-more@example.com", "wrong", ip=ATTACKER)

    assert django_settings.AXES_IP_FAILURE_LIMIT == 100
    assert page_guesses == [200] * 50
    assert api_guesses == [401] * 49
    assert still_open.status_code == 200  # a success wipes only its own account's failures
    assert hundredth.status_code == 429
    assert api_login("acme", acme_admin.email, PASSWORD, ip=ATTACKER).status_code == 429


def test_one_account_hammered_from_an_address_spends_only_its_own_share(acme, acme_teacher, settings):
    settings.AXES_IP_FAILURE_LIMIT = 12
    for _ in range(30):
        page_login("acme", "victim@acme.example.com", "wrong", ip=SCHOOL)

    seven_more = spray("acme", 7, ip=SCHOOL)  # 5 + 7 = the address's 12

    assert seven_more == [200] * 6 + [429]
    assert page_login("acme", acme_teacher.email, PASSWORD, ip=SCHOOL).status_code == 429


def test_the_address_lock_ends_after_the_cooloff(acme, acme_admin, settings):
    from axes.models import AccessAttempt

    settings.AXES_IP_FAILURE_LIMIT = 3
    spray("acme", 3, ip=ATTACKER)
    assert page_login("acme", acme_admin.email, PASSWORD, ip=ATTACKER).status_code == 429
    with in_org(acme):
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert page_login("acme", acme_admin.email, PASSWORD, ip=ATTACKER).status_code == 302


# --- the owner's way back in ----------------------------------------------------------------------------------


def _attack_at_school(email):
    """A morning's typos of five classmates, then five guesses at `email`, all from the school's address (the
    attacker sits in the same classroom)."""
    spray("acme", 5, ip=SCHOOL, prefix="typo")
    for n in range(5):
        page_login("acme", email, f"guess-{n}", ip=SCHOOL)


def _reset_link() -> str:
    [message] = [m for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
    return next(word for word in message.body.split() if "/accounts/password/reset/key/" in word)


def test_the_attacked_owner_gets_in_after_a_reset_through_the_emailed_link(acme, acme_teacher):
    _attack_at_school(acme_teacher.email)
    assert page_login("acme", acme_teacher.email, PASSWORD, ip=SCHOOL).status_code == 429
    browser = Client(HTTP_HOST=host_of("acme"), REMOTE_ADDR=SCHOOL)

    browser.post("/accounts/password/reset/", {"email": acme_teacher.email})
    opened = browser.get(urlsplit(_reset_link()).path)
    done = browser.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert page_login("acme", acme_teacher.email, NEW_PASSWORD, ip=SCHOOL).status_code == 302


def test_the_attacked_owner_gets_in_after_a_reset_through_the_api(acme, acme_teacher):
    for n in range(5):
        api_login("acme", acme_teacher.email, f"guess-{n}", ip=ATTACKER)
    _attack_at_school(acme_teacher.email)
    assert api_login("acme", acme_teacher.email, PASSWORD, ip=SCHOOL).status_code == 429
    app = client_for("acme")

    app.post("/api/v1/auth/forgot-password", {"email": acme_teacher.email}, format="json", REMOTE_ADDR=SCHOOL)
    uid, _, token = urlsplit(_reset_link()).path.rstrip("/").rsplit("/", 1)[1].partition("-")
    reset = app.post(
        "/api/v1/auth/reset-password",
        {"uid": uid, "token": token, "password": NEW_PASSWORD},
        format="json",
        REMOTE_ADDR=SCHOOL,
    )

    assert reset.status_code == 200
    assert api_login("acme", acme_teacher.email, NEW_PASSWORD, ip=SCHOOL).status_code == 200
    assert api_login("acme", acme_teacher.email, NEW_PASSWORD, ip=ATTACKER).status_code == 200


def test_an_invited_person_whose_address_was_attacked_gets_in_on_accepting(acme):
    from apps.accounts.services import user_invite

    with in_org(acme):
        invitation = user_invite(email="newbie@acme.example.com")
    for n in range(5):
        api_login("acme", "newbie@acme.example.com", f"guess-{n}", ip=ATTACKER)
    _attack_at_school("newbie@acme.example.com")
    browser = Client(HTTP_HOST=host_of("acme"), REMOTE_ADDR=SCHOOL)

    accepted = browser.post(invitation.path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert accepted.status_code == 302
    assert api_login("acme", "newbie@acme.example.com", NEW_PASSWORD, ip=SCHOOL).status_code == 200
    assert api_login("acme", "newbie@acme.example.com", NEW_PASSWORD, ip=ATTACKER).status_code == 200


# --- per organization, and the platform ---------------------------------------------------------------------


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


def test_an_address_locked_at_acme_is_open_at_globex_and_on_the_platform(
    acme, globex, globex_admin, operator, settings
):
    settings.AXES_IP_FAILURE_LIMIT = 3
    spray("acme", 3, ip=ATTACKER)

    assert api_login("acme", "orgadmin@acme.example.com", PASSWORD, ip=ATTACKER).status_code == 429
    assert api_login("globex", globex_admin.email, PASSWORD, ip=ATTACKER).status_code == 200
    assert admin_login(operator.email, PASSWORD, ip=ATTACKER)[1].status_code == 302


def test_the_platform_admin_locks_out_too(operator):
    statuses = [admin_login(operator.email, f"wrong-{n}")[1].status_code for n in range(5)]

    client, sixth = admin_login(operator.email, PASSWORD)

    assert statuses == [200, 200, 200, 200, 429]
    assert sixth.status_code == 429
    assert LOCKED_TEXT in sixth.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_nobody_can_keep_the_platform_operator_out_from_elsewhere(operator):
    for n in range(10):
        admin_login(operator.email, f"guess-{n}", ip=ATTACKER)
        console_login(operator.email, f"guess-{n}", ip=ATTACKER)

    _, attacker = admin_login(operator.email, PASSWORD, ip=ATTACKER)
    client, owner_admin = admin_login(operator.email, PASSWORD, ip=HOME)
    owner_console = console_login(operator.email, PASSWORD, ip=HOME)

    assert attacker.status_code == 429
    assert owner_admin.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert owner_console.status_code == 302


def test_the_platform_admin_locks_out_an_address_too(operator, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    for n in range(3):
        admin_login(f"someone-{n}@example.com", "wrong", ip=ATTACKER)
        console_login(f"someone-else-{n}@example.com", "wrong", ip=ATTACKER)

    _, same_address = admin_login(operator.email, PASSWORD, ip=ATTACKER)
    same_address_console = console_login(operator.email, PASSWORD, ip=ATTACKER)
    client, other_address = admin_login(operator.email, PASSWORD, ip=HOME)

    assert same_address.status_code == 429
    assert same_address_console.status_code == 429
    assert other_address.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_platform_admin_lockouts_do_not_reach_organizations(operator, acme, acme_admin):
    for n in range(5):
        admin_login(acme_admin.email, f"wrong-{n}")

    assert api_login("acme", acme_admin.email, PASSWORD).status_code == 200


def test_the_console_sign_in_locks_out_too(operator):
    client = Client(HTTP_HOST=host_of(None), REMOTE_ADDR="192.0.2.10")
    for n in range(5):
        client.post("/console/login/", {"username": operator.email, "password": f"wrong-{n}"})

    response = client.post("/console/login/", {"username": operator.email, "password": PASSWORD})

    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()


# --- time and settings ----------------------------------------------------------------------------------------


def test_the_lock_ends_after_the_cooloff(acme, acme_admin):
    from axes.models import AccessAttempt

    for n in range(5):
        api_login("acme", acme_admin.email, f"wrong-{n}")
    with in_org(acme):
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert api_login("acme", acme_admin.email, PASSWORD).status_code == 200


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


def test_sign_in_page_of_a_locked_account_still_opens(acme, acme_admin):
    for n in range(5):
        page_login("acme", acme_admin.email, f"wrong-{n}")

    assert browser_for(acme).get(LOGIN_PAGE).status_code == 200
