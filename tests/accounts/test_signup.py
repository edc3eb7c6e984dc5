"""Optional self-signup per organization (page and API): on/off, allowed email domains, the plan's limit,
mandatory email verification, and no answer telling whether an address already has an account."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from apps.accounts.models import RoleAssignment
from apps.audit.models import AuditEntry
from tests.conftest import PASSWORD, browser_for, client_for, in_org

SIGNUP = "/accounts/signup/"
REGISTER = "/api/v1/auth/register"
NEW_PASSWORD = "a-Long-and-unusual-passphrase-42"


def allow_signup(organization, *, domains=("acme.example.com",), enabled=True):
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=organization).update(
        self_signup_enabled=enabled, allowed_email_domains=list(domains)
    )


def signup_form(email, password=NEW_PASSWORD, full_name="Nina New"):
    return {"full_name": full_name, "email": email, "password1": password, "password2": password}


def register(slug, email, password=NEW_PASSWORD, **extra):
    body = {"email": email, "password": password, "full_name": "Nina New", **extra}
    return client_for(slug).post(REGISTER, body, format="json")


def confirmation_link(message) -> str:
    return re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def person(organization, email):
    with in_org(organization):
        return get_user_model().objects.filter(email=email).first()


# --- off --------------------------------------------------------------------------------------------------


def test_signup_page_does_not_exist_when_the_organization_takes_no_signups(acme):
    assert browser_for(acme).get(SIGNUP).status_code == 404
    assert browser_for(acme).post(SIGNUP, signup_form("nina@acme.example.com")).status_code == 404
    assert person(acme, "nina@acme.example.com") is None


def test_register_answers_404_when_the_organization_takes_no_signups(acme):
    response = register("acme", "nina@acme.example.com")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert person(acme, "nina@acme.example.com") is None


def test_register_does_not_exist_on_the_platform_host(acme):
    response = register(None, "nina@example.com")

    assert response.status_code == 404


def test_signup_is_off_when_the_plan_lacks_the_feature(acme):
    allow_signup(acme)
    plan = acme.subscription.plan
    plan.features = [f for f in plan.features if f != "self_signup"]
    plan.save()

    assert browser_for(acme).get(SIGNUP).status_code == 404
    assert register("acme", "nina@acme.example.com").status_code == 404


def test_signup_is_off_in_an_archived_organization(acme):
    from tenants.models import Organization

    allow_signup(acme)
    Organization.objects.filter(pk=acme.pk).update(status="archived")

    assert register("acme", "nina@acme.example.com").status_code == 404


# --- on: the page -----------------------------------------------------------------------------------------


def test_login_page_links_to_signup_when_it_is_on(acme):
    allow_signup(acme)

    body = browser_for(acme).get("/accounts/login/").content.decode()

    assert 'href="/accounts/signup/"' in body


def test_signup_page_names_the_allowed_domains(acme):
    allow_signup(acme, domains=("acme.example.com", "acme.edu"))

    response = browser_for(acme).get(SIGNUP)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Join Acme Academy" in body
    assert "<strong>acme.example.com</strong> or <strong>acme.edu</strong>" in body
    assert 'autocomplete="new-password"' in body


def test_signup_page_refuses_other_domains_with_a_clear_error(acme):
    allow_signup(acme)

    response = browser_for(acme).post(SIGNUP, signup_form("nina@gmail.com"))

    assert response.status_code == 200
    assert (
        "Sign-up here is open to addresses at acme.example.com only. Use such an address, or ask your "
        "organization&#x27;s administrator for an invitation."
    ) in response.content.decode()
    assert person(acme, "nina@gmail.com") is None
    assert mail.outbox == []


def test_any_domain_may_sign_up_when_none_is_listed(acme):
    allow_signup(acme, domains=())

    response = browser_for(acme).post(SIGNUP, signup_form("nina@gmail.com"))

    assert response.status_code == 302
    assert person(acme, "nina@gmail.com") is not None


def test_signup_creates_an_active_person_without_a_role_pending_verification(acme):
    allow_signup(acme)
    client = browser_for(acme)

    response = client.post(SIGNUP, signup_form("Nina@Acme.example.com"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "Confirm your email address" in client.get(response["Location"]).content.decode()
    nina = person(acme, "nina@acme.example.com")
    assert (nina.status, nina.full_name) == ("active", "Nina New")
    with in_org(acme):
        assert not RoleAssignment.objects.filter(user=nina).exists()
        assert list(EmailAddress.objects.filter(user=nina).values_list("email", "verified", "primary")) == [
            ("nina@acme.example.com", False, True)
        ]
        assert AuditEntry.objects.filter(action="user.signed_up", target_id=str(nina.pk)).count() == 1
    assert client.get("/api/v1/auth/me").status_code in (401, 403)  # not signed in yet
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@acme.example.com"]
    assert mail.outbox[0].subject == "[Acme Academy] Confirm your email address"
    assert confirmation_link(mail.outbox[0]).startswith("http://acme.learnstack.test/accounts/confirm-email/")


def test_signup_applies_the_password_validators(acme):
    allow_signup(acme)

    response = browser_for(acme).post(SIGNUP, signup_form("nina@acme.example.com", password="password"))

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert person(acme, "nina@acme.example.com") is None


def test_signing_in_before_confirming_sends_the_link_again_instead(acme):
    allow_signup(acme)
    browser_for(acme).post(SIGNUP, signup_form("nina@acme.example.com"))
    mail.outbox.clear()
    from django.core.cache import caches

    caches["default"].clear()  # past the cooldown between two confirmation emails
    client = browser_for(acme)

    response = client.post("/accounts/login/", {"login": "nina@acme.example.com", "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/api/v1/auth/me").status_code in (401, 403)
    assert [m.to for m in mail.outbox] == [["nina@acme.example.com"]]


def test_confirming_the_address_signs_in_and_later_sign_ins_just_work(acme):
    allow_signup(acme)
    client = browser_for(acme)
    client.post(SIGNUP, signup_form("nina@acme.example.com"))
    link = confirmation_link(mail.outbox[0]).replace("http://acme.learnstack.test", "")

    page = client.get(link)
    confirmed = client.post(link)

    assert page.status_code == 200
    assert "nina@acme.example.com" in page.content.decode()
    assert confirmed.status_code == 302
    assert client.get("/api/v1/auth/me").json()["data"]["email"] == "nina@acme.example.com"
    nina = person(acme, "nina@acme.example.com")
    with in_org(acme):
        assert EmailAddress.objects.get(user=nina).verified is True
    later = browser_for(acme).post(
        "/accounts/login/", {"login": "nina@acme.example.com", "password": NEW_PASSWORD}
    )
    assert later.status_code == 302
    assert later["Location"] == "/"


def test_a_confirmation_link_from_another_organization_is_dead(acme, globex):
    allow_signup(acme)
    browser_for(acme).post(SIGNUP, signup_form("nina@acme.example.com"))
    link = confirmation_link(mail.outbox[0]).replace("http://acme.learnstack.test", "")

    page = browser_for(globex).get(link)
    response = browser_for(globex).post(link)

    assert page.status_code == 404
    assert "This confirmation link has expired or is not valid." in page.content.decode()
    assert response.status_code == 404
    with in_org(acme):
        assert EmailAddress.objects.get(email="nina@acme.example.com").verified is False


def test_signing_up_with_a_taken_address_looks_the_same_and_emails_its_owner(acme, acme_teacher):
    allow_signup(acme)

    existing = browser_for(acme).post(SIGNUP, signup_form(acme_teacher.email))
    new = browser_for(acme).post(SIGNUP, signup_form("nina@acme.example.com"))

    assert (existing.status_code, existing["Location"]) == (new.status_code, new["Location"])
    with in_org(acme):
        assert get_user_model().objects.filter(email=acme_teacher.email).count() == 1
        assert get_user_model().objects.get(email=acme_teacher.email).check_password(PASSWORD)
    owner_mail = next(m for m in mail.outbox if m.to == [acme_teacher.email])
    assert "already has an account" in owner_mail.body


def test_signup_respects_the_plans_active_user_limit(acme):
    from apps.accounts.services import active_user_count
    from tenants.models import Subscription

    allow_signup(acme)
    with in_org(acme):
        seats = active_user_count()
    Subscription.objects.filter(organization=acme).update(seats=seats)

    page = browser_for(acme).post(SIGNUP, signup_form("nina@acme.example.com"))
    api = register("acme", "nina@acme.example.com")

    assert page.status_code == 200
    assert f"The Growth plan allows {seats} active users" in page.content.decode()
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "PLAN_LIMIT_REACHED"
    assert person(acme, "nina@acme.example.com") is None


# --- on: the API ------------------------------------------------------------------------------------------

REGISTERED = {
    "email": "nina@acme.example.com",
    "email_verification": "pending",
    "detail": "If this address can join, we have sent it a link to confirm it. Follow it, then sign in.",
}


def test_register_creates_the_person_pending_verification(acme):
    allow_signup(acme)

    response = register("acme", "Nina@acme.example.com")

    assert response.status_code == 201
    assert response.json()["data"] == REGISTERED
    nina = person(acme, "nina@acme.example.com")
    assert (nina.status, nina.full_name) == ("active", "Nina New")
    with in_org(acme):
        assert EmailAddress.objects.get(user=nina).verified is False
    assert [m.to for m in mail.outbox] == [["nina@acme.example.com"]]
    assert confirmation_link(mail.outbox[0]).startswith("http://acme.learnstack.test/accounts/confirm-email/")
    assert "sessionid" not in response.cookies
    assert "messages" not in response.cookies


def test_register_with_an_address_that_has_an_account_gives_the_very_same_answer(acme, acme_teacher):
    allow_signup(acme)

    existing = register("acme", acme_teacher.email)
    new = register("acme", "nina@acme.example.com")

    assert existing.status_code == new.status_code == 201
    assert existing.json()["data"] == {**REGISTERED, "email": acme_teacher.email}
    with in_org(acme):
        assert get_user_model().objects.filter(email=acme_teacher.email).count() == 1


def test_register_refuses_other_domains(acme):
    allow_signup(acme)

    response = register("acme", "nina@gmail.com")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"] == {
        "email": [
            "Sign-up here is open to addresses at acme.example.com only. Use such an address, or ask your "
            "organization's administrator for an invitation."
        ]
    }


def test_register_applies_the_password_validators(acme):
    allow_signup(acme)

    response = register("acme", "nina@acme.example.com", password="12345678")

    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert "This password is too common." in details["password"]
    assert "This password is entirely numeric." in details["password"]
    assert person(acme, "nina@acme.example.com") is None


def test_a_registered_person_cannot_get_tokens_before_confirming(acme):
    allow_signup(acme)
    register("acme", "nina@acme.example.com")

    response = client_for("acme").post(
        "/api/v1/auth/login", {"email": "nina@acme.example.com", "password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "EMAIL_NOT_VERIFIED"


def test_a_registered_person_signs_in_through_the_api_once_confirmed(acme):
    allow_signup(acme)
    register("acme", "nina@acme.example.com")
    link = confirmation_link(mail.outbox[0]).replace("http://acme.learnstack.test", "")
    browser_for(acme).post(link)

    response = client_for("acme").post(
        "/api/v1/auth/login", {"email": "nina@acme.example.com", "password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["data"]["user"]["roles"] == []


def test_wrong_password_of_an_unconfirmed_person_tells_nothing_more(acme):
    allow_signup(acme)
    register("acme", "nina@acme.example.com")

    unconfirmed = client_for("acme").post(
        "/api/v1/auth/login", {"email": "nina@acme.example.com", "password": "wrong"}, format="json"
    )
    unknown = client_for("acme").post(
        "/api/v1/auth/login", {"email": "nobody@acme.example.com", "password": "wrong"}, format="json"
    )

    assert unconfirmed.json() == unknown.json()
    assert unconfirmed.json()["error"]["code"] == "AUTHENTICATION_FAILED"


@pytest.mark.parametrize(
    "body", [{}, {"email": "not-an-email", "password": "x"}, {"email": "a@acme.example.com"}]
)
def test_register_refuses_bad_input_with_field_details(acme, body):
    allow_signup(acme)

    response = client_for("acme").post(REGISTER, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert response.json()["error"]["details"]


def test_signups_at_acme_leave_globex_untouched(acme, globex):
    allow_signup(acme)
    allow_signup(globex, domains=("globex.example.com",))

    register("acme", "nina@acme.example.com")

    assert person(globex, "nina@acme.example.com") is None
    assert register("globex", "nina@acme.example.com").status_code == 400
