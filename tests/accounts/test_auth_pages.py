"""Signing in and out through the pages (django-allauth in the organization's branding), and the profile."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from apps.audit.models import AuditEntry
from tests.conftest import PASSWORD, browser_for, client_for, in_org

LOGIN = "/accounts/login/"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": email, "password": password, **extra})


def signed_in_email(client) -> str | None:
    response = client.get("/api/v1/auth/me")
    return response.json()["data"]["email"] if response.status_code == 200 else None


@pytest.fixture
def acme_display_name(acme):
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=acme).update(
        display_name="Acme Learning Hub", welcome_text="Welcome, learners!"
    )
    return "Acme Learning Hub"


def test_login_page_is_in_the_organizations_branding(acme, acme_display_name):
    response = browser_for(acme).get(LOGIN)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Sign in to Acme Learning Hub" in body
    assert "Welcome, learners!" in body
    assert 'name="login"' in body
    assert 'type="email"' in body
    assert 'autocomplete="current-password"' in body
    assert 'href="/accounts/password/reset/"' in body


def test_login_page_offers_no_signup_when_the_organization_takes_none(acme):
    body = browser_for(acme).get(LOGIN).content.decode()

    assert "/accounts/signup/" not in body


def test_signing_in_goes_to_the_dashboard_with_a_host_only_session(acme, acme_admin):
    client = browser_for(acme)

    response = sign_in(client, "OrgAdmin@Acme.example.com")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["sessionid"]["domain"] == ""
    assert signed_in_email(client) == "orgadmin@acme.example.com"


def test_signing_in_honours_a_local_next_and_refuses_a_foreign_one(acme, acme_admin):
    local = sign_in(browser_for(acme), acme_admin.email, next="/accounts/profile/")
    foreign = sign_in(browser_for(acme), acme_admin.email, next="http://globex.learnstack.test/")

    assert local["Location"] == "/accounts/profile/"
    assert foreign["Location"] == "/"


def test_the_form_of_djangos_sign_in_page_still_works(acme, acme_admin):
    client = browser_for(acme)

    response = client.post(LOGIN, {"username": acme_admin.email, "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in_email(client) == acme_admin.email


def test_wrong_password_and_unknown_email_get_the_same_form_error(acme, acme_admin):
    wrong = sign_in(browser_for(acme), acme_admin.email, "not the password")
    unknown = sign_in(browser_for(acme), "nobody@acme.example.com", "not the password")

    assert (wrong.status_code, unknown.status_code) == (200, 200)
    for response in (wrong, unknown):
        assert "Please enter a correct email and password." in response.content.decode()


def test_a_person_of_another_organization_cannot_sign_in_here(acme, globex):
    client = browser_for(globex)

    response = sign_in(client, "orgadmin@acme.example.com")

    assert response.status_code == 200
    assert "Please enter a correct email and password." in response.content.decode()
    assert signed_in_email(client) is None


def test_a_deactivated_person_with_the_right_password_is_told_to_ask_the_administrator(acme, acme_teacher):
    with in_org(acme):
        get_user_model().objects.filter(pk=acme_teacher.pk).update(status="deactivated")
    client = browser_for(acme)

    response = sign_in(client, acme_teacher.email)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/inactive/"
    assert "Ask your organization's administrator" in client.get(response["Location"]).content.decode()
    assert signed_in_email(client) is None


def test_an_invited_person_cannot_sign_in_before_accepting(acme):
    from apps.accounts.services import user_invite

    with in_org(acme):
        user_invite(email="pending@acme.example.com")
    client = browser_for(acme)

    response = sign_in(client, "pending@acme.example.com", "anything at all")

    assert response.status_code == 200
    assert "Please enter a correct email and password." in response.content.decode()
    assert signed_in_email(client) is None


def test_signing_in_again_when_signed_in_goes_home(acme, acme_admin):
    response = browser_for(acme, acme_admin).get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_out_needs_a_post_and_ends_the_session(acme, acme_admin):
    client = browser_for(acme, acme_admin)

    confirm = client.get("/accounts/logout/")
    still_in = signed_in_email(client)
    response = client.post("/accounts/logout/")

    assert confirm.status_code == 200
    assert "Do you want to sign out" in confirm.content.decode()
    assert still_in == acme_admin.email
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert signed_in_email(client) is None


def test_accounts_root_leads_to_the_profile(acme, acme_admin):
    response = browser_for(acme, acme_admin).get("/accounts/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"


def test_email_management_is_not_offered(acme, acme_admin):
    # Addresses are changed by an Org Admin; allauth's own address pages do not exist here.
    assert browser_for(acme, acme_admin).get("/accounts/email/").status_code == 404
    assert browser_for(acme, acme_admin).get("/accounts/password/set/").status_code == 404


def test_profile_needs_a_sign_in(acme):
    response = browser_for(acme).get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_profile_shows_the_person_and_links_to_password_and_two_factor_settings(acme, acme_teacher):
    response = browser_for(acme, acme_teacher).get("/accounts/profile/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "teacher@acme.example.com" in body
    assert 'value="Teacher"' in body
    assert 'href="/accounts/password/change/"' in body
    assert 'href="/accounts/2fa/"' in body
    assert "Set up two-factor authentication" in body


def test_profile_saves_name_language_and_time_zone_through_the_service(acme, acme_teacher):
    client = browser_for(acme, acme_teacher)

    response = client.post(
        "/accounts/profile/", {"full_name": " Tess Teacher ", "language": "fr", "timezone": "Europe/Paris"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    with in_org(acme):
        user = get_user_model().objects.get(pk=acme_teacher.pk)
        assert (user.full_name, user.language, user.timezone) == ("Tess Teacher", "fr", "Europe/Paris")
        entry = AuditEntry.objects.get(action="user.updated", target_id=str(user.pk))
        assert entry.actor_id == user.pk
    # Said in the language just chosen, as is the rest of the page.
    page = client.get("/accounts/profile/").content.decode()
    assert '<html lang="fr">' in page
    assert "Votre profil a été enregistré." in page


def test_profile_refuses_an_unknown_time_zone_and_changes_nothing(acme, acme_teacher):
    response = browser_for(acme, acme_teacher).post(
        "/accounts/profile/", {"full_name": "Changed", "language": "", "timezone": "Mars/Olympus"}
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    with in_org(acme):
        assert get_user_model().objects.get(pk=acme_teacher.pk).full_name == "Teacher"


def test_profile_defaults_follow_the_organization(acme, acme_student):
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=acme).update(
        default_language="fr", default_timezone="Europe/Berlin"
    )
    connection.set_schema_to_public()

    body = browser_for(acme, acme_student).get("/accounts/profile/").content.decode()

    assert "Réglage de l&#x27;organisation (Français)" in body  # the page is in the organization's language
    assert "Réglage de l&#x27;organisation (Europe/Berlin)" in body


def test_profile_defaults_name_english_for_an_organization_language_no_longer_offered(acme, acme_student):
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=acme).update(default_language="de")
    connection.set_schema_to_public()

    body = browser_for(acme, acme_student).get("/accounts/profile/").content.decode()

    assert "The organization&#x27;s default (English)" in body


def test_api_sign_in_costs_the_same_queries_for_one_role_or_many(acme, acme_teacher, acme_manager):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import RoleAssignment
    from apps.hierarchy.models import SchoolClass

    with in_org(acme):
        for school_class in SchoolClass.objects.all():
            RoleAssignment.objects.get_or_create(
                user=acme_manager, role="teacher", branch=school_class.branch, school_class=school_class
            )
        assert RoleAssignment.objects.filter(user=acme_manager).count() == 3
        assert RoleAssignment.objects.filter(user=acme_teacher).count() == 1
    client_for("acme").get("/api/v1/auth/me")  # the host -> organization lookup is cached from here on

    def login(email):
        return client_for("acme").post(
            "/api/v1/auth/login", {"email": email, "password": PASSWORD}, format="json"
        )

    with CaptureQueriesContext(db) as one_role:
        few = login(acme_teacher.email)
    with CaptureQueriesContext(db) as many_roles:
        many = login(acme_manager.email)

    assert (few.status_code, many.status_code) == (200, 200)
    assert many.json()["data"]["user"]["roles"] == ["branch_manager", "teacher"]  # distinct role names

    def statements(captured):  # the first sign-in may also set the session's search_path (apps/core/db)
        return [q for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]

    assert len(statements(one_role)) == len(statements(many_roles))
