"""Forgotten passwords (page and API) and password changes: an emailed link on the organization's host, the
same answer whether the address has an account or not, and every refresh token dead afterwards."""

import re

from django.contrib.auth import get_user_model
from django.core import mail

from apps.audit.models import AuditEntry
from apps.core.api.authentication import tokens_for_user
from tests.conftest import PASSWORD, browser_for, client_for, in_org

FORGOT = "/api/v1/auth/forgot-password"
RESET = "/api/v1/auth/reset-password"
REFRESH = "/api/v1/auth/refresh-token"
NEW_PASSWORD = "a-Brand-new-passphrase-77"
FORGOT_ANSWER = {
    "detail": "If an account uses this address, we have sent it a link to choose a new password."
}


def reset_link(message) -> str:
    return re.search(r"http://\S+/accounts/password/reset/key/\S+/", message.body).group(0)


def uid_and_token(link: str) -> tuple[str, str]:
    uid, _, token = link.rstrip("/").rsplit("/", 1)[1].partition("-")
    return uid, token


def tokens_of(organization, user) -> dict:
    with in_org(organization):
        return tokens_for_user(user)


def api_login(slug, email, password):
    return client_for(slug).post("/api/v1/auth/login", {"email": email, "password": password}, format="json")


def reset_mails():
    return [m for m in mail.outbox if "password/reset/key" in m.body]


# --- the pages --------------------------------------------------------------------------------------------


def test_reset_page_end_to_end(acme, acme_teacher):
    old_tokens = tokens_of(acme, acme_teacher)
    client = browser_for(acme)

    asked = client.post("/accounts/password/reset/", {"email": "Teacher@acme.example.com"})
    link = reset_link(reset_mails()[0])
    path = link.replace("http://acme.learnstack.test", "")
    opened = client.get(path)
    form = client.get(opened["Location"])
    done = client.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/password/reset/done/"
    assert reset_mails()[0].to == ["teacher@acme.example.com"]
    assert reset_mails()[0].subject == "[Acme Academy] Reset your password"
    assert link.startswith("http://acme.learnstack.test/accounts/password/reset/key/")
    assert opened.status_code == 302
    assert opened["Location"].endswith("-set-password/")
    assert form.status_code == 200
    assert "Choose a new password" in form.content.decode()
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/key/done/"
    assert api_login("acme", acme_teacher.email, NEW_PASSWORD).status_code == 200
    assert api_login("acme", acme_teacher.email, PASSWORD).status_code == 401
    refused = client_for("acme").post(REFRESH, {"refresh": old_tokens["refresh"]}, format="json")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "TOKEN_INVALID"
    used = browser_for(acme).get(path)
    assert used.status_code == 404  # a used link is dead, and says so
    assert "This link no longer works" in used.content.decode()


def test_reset_page_for_an_unknown_address_answers_the_same_and_sends_nothing(acme):
    response = browser_for(acme).post("/accounts/password/reset/", {"email": "nobody@acme.example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox == []


def test_reset_page_of_one_organization_does_not_reach_another_organizations_people(acme, globex):
    response = browser_for(globex).post("/accounts/password/reset/", {"email": "teacher@acme.example.com"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_reset_page_applies_the_password_validators(acme, acme_teacher):
    client = browser_for(acme)
    client.post("/accounts/password/reset/", {"email": acme_teacher.email})
    opened = client.get(reset_link(reset_mails()[0]).replace("http://acme.learnstack.test", ""))

    response = client.post(opened["Location"], {"password1": "password", "password2": "password"})

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    with in_org(acme):
        assert get_user_model().objects.get(pk=acme_teacher.pk).check_password(PASSWORD)


def test_changing_the_password_in_the_browser_kills_the_refresh_tokens(acme, acme_teacher):
    old_tokens = tokens_of(acme, acme_teacher)
    client = browser_for(acme)
    client.post("/accounts/login/", {"login": acme_teacher.email, "password": PASSWORD})

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert client.get("/api/v1/auth/me").json()["data"]["email"] == acme_teacher.email  # still signed in here
    refused = client_for("acme").post(REFRESH, {"refresh": old_tokens["refresh"]}, format="json")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "TOKEN_INVALID"
    with in_org(acme):
        entries = AuditEntry.objects.filter(action="user.password_changed", target_id=str(acme_teacher.pk))
        assert entries.count() == 1
    assert any(m.to == [acme_teacher.email] and "Password Changed" in m.subject for m in mail.outbox)


def test_changing_the_password_needs_the_current_one(acme, acme_teacher):
    client = browser_for(acme)
    client.post("/accounts/login/", {"login": acme_teacher.email, "password": PASSWORD})

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()


def test_password_change_page_needs_a_sign_in(acme):
    response = browser_for(acme).get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- the API ----------------------------------------------------------------------------------------------


def test_forgot_password_gives_the_same_answer_for_known_and_unknown_addresses(acme, acme_teacher):
    known = client_for("acme").post(FORGOT, {"email": acme_teacher.email}, format="json")
    sent_for_known = len(mail.outbox)
    unknown = client_for("acme").post(FORGOT, {"email": "nobody@acme.example.com"}, format="json")

    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json()
    assert known.json()["data"] == FORGOT_ANSWER
    assert sent_for_known == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [acme_teacher.email]
    assert reset_link(mail.outbox[0]).startswith("http://acme.learnstack.test/accounts/password/reset/key/")


def test_forgot_password_sends_nothing_to_deactivated_or_invited_people(acme, acme_teacher):
    from apps.accounts.services import user_invite

    with in_org(acme):
        get_user_model().objects.filter(pk=acme_teacher.pk).update(status="deactivated")
        user_invite(email="pending@acme.example.com")

    for email in (acme_teacher.email, "pending@acme.example.com"):
        response = client_for("acme").post(FORGOT, {"email": email}, format="json")
        assert response.json()["data"] == FORGOT_ANSWER

    assert mail.outbox == []


def test_forgot_password_on_another_organizations_host_sends_nothing(acme, globex):
    response = client_for("globex").post(FORGOT, {"email": "teacher@acme.example.com"}, format="json")

    assert response.json()["data"] == FORGOT_ANSWER
    assert mail.outbox == []


def test_forgot_password_is_rate_limited_per_address(acme, acme_teacher):
    body = {"email": "nobody@acme.example.com"}
    statuses = [client_for("acme").post(FORGOT, body, format="json").status_code for _ in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 429]


def test_reset_password_through_the_api_end_to_end(acme, acme_teacher):
    old_tokens = tokens_of(acme, acme_teacher)
    client_for("acme").post(FORGOT, {"email": acme_teacher.email}, format="json")
    uid, token = uid_and_token(reset_link(mail.outbox[0]))

    response = client_for("acme").post(
        RESET, {"uid": uid, "token": token, "password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"detail": "Your password has been changed. Sign in with the new one."}
    assert api_login("acme", acme_teacher.email, NEW_PASSWORD).status_code == 200
    assert api_login("acme", acme_teacher.email, PASSWORD).status_code == 401
    old_refresh = client_for("acme").post(REFRESH, {"refresh": old_tokens["refresh"]}, format="json")
    assert old_refresh.status_code == 401
    again = client_for("acme").post(
        RESET, {"uid": uid, "token": token, "password": "another-Long-pass-99"}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["error"]["details"] == {
        "token": ["This password reset link is invalid or has expired. Ask for a new one."]
    }


def test_reset_password_refuses_a_bad_token_and_a_weak_password(acme, acme_teacher):
    client_for("acme").post(FORGOT, {"email": acme_teacher.email}, format="json")
    uid, token = uid_and_token(reset_link(mail.outbox[0]))

    bad_token = client_for("acme").post(
        RESET, {"uid": uid, "token": token + "x", "password": NEW_PASSWORD}, format="json"
    )
    bad_uid = client_for("acme").post(
        RESET, {"uid": "zzzzzz", "token": token, "password": NEW_PASSWORD}, format="json"
    )
    weak = client_for("acme").post(RESET, {"uid": uid, "token": token, "password": "password"}, format="json")

    assert bad_token.status_code == bad_uid.status_code == 400
    assert bad_token.json() == bad_uid.json()
    assert weak.status_code == 400
    assert "This password is too common." in weak.json()["error"]["details"]["password"]
    with in_org(acme):
        assert get_user_model().objects.get(pk=acme_teacher.pk).check_password(PASSWORD)


def test_a_reset_link_of_acme_does_not_work_at_globex(acme, globex, acme_teacher):
    client_for("acme").post(FORGOT, {"email": acme_teacher.email}, format="json")
    uid, token = uid_and_token(reset_link(mail.outbox[0]))

    response = client_for("globex").post(
        RESET, {"uid": uid, "token": token, "password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 400


def test_password_reset_endpoints_do_not_exist_on_the_platform_host(operator):
    assert client_for(None).post(FORGOT, {"email": operator.email}, format="json").status_code == 404
    assert (
        client_for(None)
        .post(RESET, {"uid": "1", "token": "x", "password": NEW_PASSWORD}, format="json")
        .status_code
        == 404
    )
    assert mail.outbox == []


def test_a_completed_reset_lifts_the_accounts_lockout(acme, acme_teacher):
    for _ in range(5):
        client_for("acme").post(
            "/api/v1/auth/login",
            {"email": acme_teacher.email, "password": "wrong"},
            format="json",  # from the person's own address: guesses elsewhere do not lock them out
        )
    assert api_login("acme", acme_teacher.email, PASSWORD).status_code == 429
    client_for("acme").post(FORGOT, {"email": acme_teacher.email}, format="json")
    uid, token = uid_and_token(reset_link(mail.outbox[0]))

    client_for("acme").post(RESET, {"uid": uid, "token": token, "password": NEW_PASSWORD}, format="json")

    assert api_login("acme", acme_teacher.email, NEW_PASSWORD).status_code == 200


def test_a_reset_confirms_the_address_of_someone_who_signed_up(acme):
    from allauth.account.models import EmailAddress

    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=acme).update(self_signup_enabled=True)
    client_for("acme").post(
        "/api/v1/auth/register",
        {"email": "nina@acme.example.com", "password": "first-Long-passphrase-1"},
        format="json",
    )
    client_for("acme").post(FORGOT, {"email": "nina@acme.example.com"}, format="json")
    uid, token = uid_and_token(reset_link(reset_mails()[0]))

    client_for("acme").post(RESET, {"uid": uid, "token": token, "password": NEW_PASSWORD}, format="json")

    with in_org(acme):
        assert EmailAddress.objects.get(email="nina@acme.example.com").verified is True
    assert api_login("acme", "nina@acme.example.com", NEW_PASSWORD).status_code == 200


def test_asking_for_a_reset_records_nothing_about_the_person(acme, acme_teacher):
    from allauth.account.models import EmailAddress

    client_for("acme").post(FORGOT, {"email": acme_teacher.email}, format="json")

    with in_org(acme):
        assert not EmailAddress.objects.filter(user_id=acme_teacher.pk).exists()
    # ...so an administrator-made account is not asked to verify its address afterwards.
    assert api_login("acme", acme_teacher.email, PASSWORD).status_code == 200
