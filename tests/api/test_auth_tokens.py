"""JWTs are bound to the organization (schema) that issued them; login failures do not tell whether the
email exists; refresh tokens rotate; logout blacklists."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.tokens import RefreshToken

from apps.core.api.authentication import tokens_for_user
from tests.conftest import PASSWORD, client_for, in_org, jwt_for

from .helpers import assert_error, assert_ok, create_user

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh-token"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/auth/me"


def login(slug, email, password=PASSWORD):
    return client_for(slug).post(LOGIN, {"email": email, "password": password}, format="json")


def refresh(slug, token):
    return client_for(slug).post(REFRESH, {"refresh": token}, format="json")


@pytest.fixture
def acme_tokens(acme, acme_admin):
    with in_org(acme):
        return tokens_for_user(acme_admin)


def test_login_answers_a_token_pair_and_the_user(acme, acme_admin):
    response = login("acme", "OrgAdmin@Acme.example.com")

    data = assert_ok(response)
    assert set(data) == {"access", "refresh", "token_type", "expires_in", "user"}
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == 900
    assert data["user"]["id"] == acme_admin.pk
    assert data["user"]["email"] == "orgadmin@acme.example.com"
    assert data["user"]["roles"] == ["org_admin"]
    assert data["user"]["last_login"] is not None
    me = client_for("acme", token=data["access"]).get(ME)
    assert assert_ok(me)["email"] == "orgadmin@acme.example.com"


def test_login_records_the_sign_in(acme, acme_admin):
    login("acme", "orgadmin@acme.example.com")

    with in_org(acme):
        acme_admin.refresh_from_db()
    assert acme_admin.last_login is not None


def test_wrong_password_and_unknown_email_get_the_identical_answer(acme):
    wrong_password = login("acme", "orgadmin@acme.example.com", "not the password")
    unknown_email = login("acme", "nobody@acme.example.com", "not the password")

    error = assert_error(wrong_password, 401, "AUTHENTICATION_FAILED")
    assert error["message"] == "Email or password is incorrect."
    assert unknown_email.status_code == wrong_password.status_code
    assert unknown_email.json() == wrong_password.json()


def test_a_user_of_one_org_cannot_sign_in_on_another(acme, globex):
    elsewhere = login("globex", "orgadmin@acme.example.com")
    unknown = login("globex", "nobody@globex.example.com")

    assert_error(elsewhere, 401, "AUTHENTICATION_FAILED")
    assert elsewhere.json() == unknown.json()


def test_an_org_user_cannot_sign_in_on_the_platform_host(acme):
    response = login(None, "orgadmin@acme.example.com")

    assert_error(response, 401, "AUTHENTICATION_FAILED")


def test_a_deactivated_user_cannot_sign_in(acme, acme_admin):
    with in_org(acme):
        get_user_model().objects.filter(pk=acme_admin.pk).update(status="deactivated")

    response = login("acme", "orgadmin@acme.example.com")

    assert_error(response, 401, "AUTHENTICATION_FAILED")


def test_login_without_credentials_is_400_with_field_details(acme):
    response = client_for("acme").post(LOGIN, {"email": "not-an-email"}, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == {
        "email": ["Enter a valid email address."],
        "password": ["This field is required."],
    }


def test_me_returns_the_signed_in_user(acme_admin_client, acme_admin):
    response = acme_admin_client.get(ME)

    data = assert_ok(response)
    assert data["id"] == acme_admin.pk
    assert data["email"] == "orgadmin@acme.example.com"
    assert data["full_name"] == "Acme Academy Admin"
    assert data["status"] == "active"
    assert data["is_superuser"] is False
    assert data["roles"] == ["org_admin"]
    assert response.json()["meta"] is None


def test_me_on_the_platform_returns_the_operator(operator_client):
    data = assert_ok(operator_client.get(ME))

    assert data["email"] == "admin@example.com"
    assert data["is_superuser"] is True


@pytest.mark.parametrize(
    ("issuer", "host"),
    [("acme", "globex"), ("globex", "acme"), ("acme", None), ("globex", None)],
)
def test_an_org_access_token_is_refused_on_any_other_host(request, issuer, host):
    organization = request.getfixturevalue(issuer)
    user = request.getfixturevalue(f"{issuer}_admin")
    client = client_for(host, token=jwt_for(organization, user))

    response = client.get(ME)

    error = assert_error(response, 401, "TOKEN_INVALID")
    assert error["message"] == "This token was not issued for this organization."


@pytest.mark.parametrize("host", ["acme", "globex"])
def test_a_platform_access_token_is_refused_on_org_hosts(operator, acme, globex, host):
    client = client_for(host, token=jwt_for(None, operator))

    assert_error(client.get(ME), 401, "TOKEN_INVALID")


def test_an_access_token_without_an_org_claim_is_refused(acme, acme_admin):
    with in_org(acme):
        access = str(RefreshToken.for_user(acme_admin).access_token)

    response = client_for("acme", token=access).get(ME)

    assert_error(response, 401, "TOKEN_INVALID")


def test_refresh_issues_a_new_pair_that_works(acme, acme_tokens):
    response = refresh("acme", acme_tokens["refresh"])

    data = assert_ok(response)
    assert data["refresh"] != acme_tokens["refresh"]
    assert data["access"] != acme_tokens["access"]
    assert data["user"]["email"] == "orgadmin@acme.example.com"
    assert assert_ok(client_for("acme", token=data["access"]).get(ME))["email"] == "orgadmin@acme.example.com"
    assert_ok(refresh("acme", data["refresh"]))


def test_a_refresh_token_works_once(acme, acme_tokens):
    assert_ok(refresh("acme", acme_tokens["refresh"]))

    again = refresh("acme", acme_tokens["refresh"])

    error = assert_error(again, 401, "TOKEN_INVALID")
    assert error["message"] == "The refresh token is invalid or expired."


def test_logout_blacklists_the_refresh_token(acme, acme_tokens):
    client = client_for("acme", token=acme_tokens["access"])

    response = client.post(LOGOUT, {"refresh": acme_tokens["refresh"]}, format="json")

    assert response.status_code == 204
    assert_error(refresh("acme", acme_tokens["refresh"]), 401, "TOKEN_INVALID")


def test_logout_needs_an_access_token(acme, acme_tokens):
    response = client_for("acme").post(LOGOUT, {"refresh": acme_tokens["refresh"]}, format="json")

    assert_error(response, 401, "NOT_AUTHENTICATED")
    assert_ok(refresh("acme", acme_tokens["refresh"]))


def test_logout_refuses_someone_elses_refresh_token(acme, acme_admin_client):
    other = create_user(acme, "other.person@acme.example.com", password=PASSWORD)
    with in_org(acme):
        others_refresh = tokens_for_user(other)["refresh"]

    response = acme_admin_client.post(LOGOUT, {"refresh": others_refresh}, format="json")

    assert_error(response, 401, "TOKEN_INVALID")
    assert_ok(refresh("acme", others_refresh))


@pytest.mark.parametrize("host", ["globex", None])
def test_a_refresh_token_from_one_org_is_refused_elsewhere(acme, globex, acme_tokens, host):
    response = refresh(host, acme_tokens["refresh"])

    error = assert_error(response, 401, "TOKEN_INVALID")
    assert error["message"] == "This token was not issued for this organization."
    assert_ok(refresh("acme", acme_tokens["refresh"]))  # and it was not spent there


def test_a_refresh_token_from_the_platform_is_refused_on_an_org(operator, acme):
    platform_refresh = tokens_for_user(operator)["refresh"]  # issued in the public schema

    assert_error(refresh("acme", platform_refresh), 401, "TOKEN_INVALID")


@pytest.mark.parametrize("kind", ["access", "garbage", "no_org"])
def test_only_a_refresh_token_of_this_org_refreshes(acme, acme_admin, acme_tokens, kind):
    if kind == "access":
        token = acme_tokens["access"]
    elif kind == "garbage":
        token = "not.a.token"
    else:
        with in_org(acme):
            token = str(RefreshToken.for_user(acme_admin))

    response = refresh("acme", token)

    error = assert_error(response, 401, "TOKEN_INVALID")
    assert error["message"] == "The refresh token is invalid or expired."


def test_a_deactivated_user_cannot_refresh(acme, acme_admin, acme_tokens):
    with in_org(acme):
        get_user_model().objects.filter(pk=acme_admin.pk).update(status="deactivated")

    assert_error(refresh("acme", acme_tokens["refresh"]), 401, "TOKEN_INVALID")


def test_a_deactivated_users_access_token_stops_working(acme, acme_admin, acme_tokens):
    with in_org(acme):
        get_user_model().objects.filter(pk=acme_admin.pk).update(status="deactivated")

    response = client_for("acme", token=acme_tokens["access"]).get(ME)

    assert_error(response, 401, "AUTHENTICATION_FAILED")
