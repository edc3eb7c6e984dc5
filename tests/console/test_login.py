"""Signing in to and out of the console: only public-schema superusers get in."""

from django.test import Client

from tests.conftest import PASSWORD, browser_for, host_of
from tests.console.helpers import accessibility_problems, console_url


def _client():
    return Client(HTTP_HOST=host_of(None))


def test_login_page_is_accessible(db):
    response = _client().get(console_url("login"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Platform console" in body
    assert accessibility_problems(body) == []


def test_operator_signs_in_and_lands_on_the_organizations(operator):
    client = _client()

    response = client.post(console_url("login"), {"username": "admin@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == console_url("organizations")
    assert client.get(console_url("organizations")).status_code == 200


def test_operator_is_sent_on_to_the_page_they_asked_for(operator, acme):
    client = _client()
    wanted = console_url("organization", acme.pk)

    response = client.post(
        console_url("login") + f"?next={wanted}",
        {"username": "admin@example.com", "password": PASSWORD, "next": wanted},
    )

    assert response["Location"] == wanted


def test_next_pointing_off_site_is_ignored(operator):
    response = _client().post(
        console_url("login"),
        {"username": "admin@example.com", "password": PASSWORD, "next": "https://evil.example.com/"},
    )

    assert response["Location"] == console_url("organizations")


def test_non_operator_is_refused_with_a_clear_message(staff_member):
    client = _client()

    response = client.post(console_url("login"), {"username": "staff@example.com", "password": PASSWORD})

    assert response.status_code == 200
    body = response.content.decode()
    assert "This account is not a platform operator account, so it cannot use the console." in body
    assert "_auth_user_id" not in client.session
    assert client.get(console_url("organizations")).status_code == 302


def test_wrong_password_is_refused(operator):
    client = _client()

    response = client.post(console_url("login"), {"username": "admin@example.com", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_org_members_cannot_sign_in_to_the_console(acme_admin):
    """acme's Org Admin exists only in acme's schema: the console does not know them."""
    response = _client().post(
        console_url("login"), {"username": "orgadmin@acme.example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()


def test_signed_in_operator_skips_the_login_page(operator):
    response = browser_for(None, operator).get(console_url("login"))

    assert response.status_code == 302
    assert response["Location"] == console_url("organizations")


def test_signed_in_non_operator_sees_the_login_page_with_a_notice_not_a_redirect_loop(staff_member):
    response = browser_for(None, staff_member).get(console_url("login"))

    assert response.status_code == 200
    assert "You are signed in as <strong>staff@example.com</strong>, which is not a platform operator" in (
        response.content.decode()
    )


def test_sign_out(operator):
    client = browser_for(None, operator)

    response = client.post(console_url("logout"))

    assert response.status_code == 302
    assert response["Location"] == console_url("login")
    assert client.get(console_url("organizations")).status_code == 302
