"""Accepting an invitation: set a password once, then sign in."""

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from apps.accounts.services import user_invite
from tests.conftest import client_for


@pytest.fixture
def invitation(acme):
    with schema_context("acme"):
        return user_invite(email="newbie@acme.example.com", full_name="New Bie")


def test_invitation_page_asks_for_a_password(invitation):
    response = client_for("acme").get(invitation.path)

    assert response.status_code == 200
    body = response.content.decode()
    assert "newbie@acme.example.com" in body
    assert 'autocomplete="new-password"' in body


def test_mismatched_passwords_are_a_form_error_and_change_nothing(invitation):
    response = client_for("acme").post(
        invitation.path, {"password1": "long-enough-1", "password2": "different-2"}
    )

    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    with schema_context("acme"):
        assert get_user_model().objects.get(email="newbie@acme.example.com").status == "invited"


def test_weak_password_is_refused_with_the_validators_message(invitation):
    response = client_for("acme").post(invitation.path, {"password1": "password", "password2": "password"})

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()


def test_tampered_token_is_dead(invitation):
    response = client_for("acme").get(invitation.path.replace("/invite/", "/invite/").rstrip("/") + "x/")

    assert response.status_code == 404
    assert "no longer works" in response.content.decode()


def test_garbage_uid_is_dead_not_an_error(acme):
    assert client_for("acme").get("/invite/!!!/abc/").status_code == 404
    assert client_for("acme").get("/invite/OTk5OTk5/abc/").status_code == 404


def test_accepting_activates_signs_in_and_kills_the_link(invitation):
    client = client_for("acme")

    response = client.post(
        invitation.path,
        {"full_name": "Newbie Smith", "password1": "learn-all-day-7", "password2": "learn-all-day-7"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    with schema_context("acme"):
        user = get_user_model().objects.get(email="newbie@acme.example.com")
        assert (user.status, user.full_name) == ("active", "Newbie Smith")
        assert user.check_password("learn-all-day-7")
    assert "newbie@acme.example.com" in client.get("/").content.decode()
    assert client_for("acme").get(invitation.path).status_code == 404


def test_invited_people_cannot_sign_in_before_accepting(invitation):
    response = client_for("acme").post(
        "/api/v1/auth/login", {"email": "newbie@acme.example.com", "password": ""}, format="json"
    )

    assert response.status_code == 400


def test_page_login_with_wrong_password_shows_a_form_error(acme, acme_admin):
    response = client_for("acme").post("/accounts/login/", {"username": acme_admin.email, "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()
