"""Pages in the viewer's language and time zone: the person's choice, else their organization's, else the
browser's language and UTC; stored values that are no longer offered (or unknown) are skipped, never an
error (apps/core/middleware_locale.py). The catalogs themselves are checked in tests/core/test_i18n.py."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import browser_for, client_for, in_org, jwt_for, person


def _org_settings(organization, **values) -> None:
    """Change an organization's stored settings directly (also to values the forms refuse), before the
    test's first request loads the organization into the host cache."""
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=organization).update(**values)
    connection.set_schema_to_public()


def _person_prefers(organization, user, *, language: str = "", timezone: str = "") -> None:
    with in_org(organization):
        type(user).objects.filter(pk=user.pk).update(language=language, timezone=timezone)


def _page(organization, user, path: str = "/courses/", **headers) -> str:
    response = browser_for(organization, user).get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- which language a page is in ----------------------------------------------------------------------------


def test_a_page_is_in_french_for_a_person_who_chose_french(acme, acme_student):
    _person_prefers(acme, acme_student, language="fr")

    body = _page(acme, acme_student)

    assert '<html lang="fr">' in body
    assert ">Catalogue</a>" in body  # the navigation
    assert "Aller au contenu" in body
    assert "<h1>Cours</h1>" in body
    assert "Skip to content" not in body


def test_a_page_is_in_the_organizations_language_for_a_person_who_chose_none(acme, acme_student):
    _org_settings(acme, default_language="fr")

    body = _page(acme, acme_student, "/learning/")

    assert '<html lang="fr">' in body
    assert "<h1>Mes cours</h1>" in body
    assert "Tableau de bord" in body
    assert "Se déconnecter" in body


def test_a_page_stays_in_english_otherwise(acme, acme_student):
    response = browser_for(acme, acme_student).get("/courses/")
    body = response.content.decode()

    assert '<html lang="en">' in body
    assert "Skip to content" in body
    assert ">Catalog</a>" in body
    assert response["Content-Language"] == "en"


def test_the_persons_language_wins_over_the_organizations(acme, acme_student):
    _org_settings(acme, default_language="fr")
    _person_prefers(acme, acme_student, language="en")

    assert '<html lang="en">' in _page(acme, acme_student)
    assert '<html lang="fr">' in _page(acme, person(acme, "teacher"))


def test_the_sign_in_page_follows_the_organization_and_its_form_is_french_too(acme):
    _org_settings(acme, default_language="fr")

    body = browser_for(acme).get("/accounts/login/").content.decode()

    assert '<html lang="fr">' in body
    assert "Mot de passe oublié ?" in body
    assert "Adresse e-mail" in body  # the form's label (apps/accounts/forms.py)


def test_a_plural_and_a_date_read_as_french(acme, acme_teacher, acme_student):
    from apps.courses import services
    from apps.courses.models import Enrollment
    from tests.courses.conftest import build_course

    course = build_course(acme, owner=acme_teacher, title="Algèbre", modules=2, items_per_module=2)
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=course)
        Enrollment.objects.filter(user=acme_student).update(
            due_at=datetime.datetime(2026, 12, 24, 12, tzinfo=datetime.UTC)
        )
    _person_prefers(acme, acme_student, language="fr")

    learning = _page(acme, acme_student, "/learning/")
    detail = _page(acme, acme_student, f"/courses/{course.pk}/")

    assert "Échéance : <time" in learning
    assert "24 Déc 2026" in learning  # Django's French month abbreviations
    assert "Leçons terminées : 0 sur 4" in learning
    assert "2 modules · 4 leçons" in detail
    assert "Commencer le cours" in detail


def test_browsers_language_applies_only_where_no_one_chose(acme, acme_student):
    english_org = browser_for(acme).get("/accounts/login/", headers={"accept-language": "fr-FR,fr;q=0.9"})

    assert '<html lang="en">' in english_org.content.decode()  # acme chose English
    platform = browser_for(None).get("/console/login/", headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert platform["Content-Language"] == "fr"
    assert "Accept-Language" in platform["Vary"]


# --- stored languages that are no longer offered ----------------------------------------------------------


def test_a_stored_language_no_longer_offered_falls_back_to_the_organizations(acme, acme_student):
    _org_settings(acme, default_language="fr")
    _person_prefers(acme, acme_student, language="de")

    assert '<html lang="fr">' in _page(acme, acme_student)


def test_an_organization_language_no_longer_offered_falls_back_to_english(acme, acme_student):
    _org_settings(acme, default_language="de", default_timezone="Mars/Olympus")
    _person_prefers(acme, acme_student, language="pt")

    body = _page(acme, acme_student)
    profile = _page(acme, acme_student, "/accounts/profile/")

    assert '<html lang="en">' in body
    assert "The organization&#x27;s default (English)" in profile
    assert "Mars/Olympus" in profile  # shown as stored, applied as UTC


def test_an_organization_language_no_longer_offered_still_lets_other_settings_change(acme, acme_admin):
    from tenants.services import organization_settings_update

    _org_settings(acme, default_language="es")

    updated = organization_settings_update(organization=acme, primary_color="#123456")

    assert (updated.primary_color, updated.default_language) == ("#123456", "es")


# --- time zones --------------------------------------------------------------------------------------------

INVITED_AT = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


def _invited_line(acme, acme_admin) -> str:
    student = person(acme, "student")
    with in_org(acme):
        type(student).objects.filter(pk=student.pk).update(invited_at=INVITED_AT)
    body = _page(acme, acme_admin, f"/manage/people/{student.pk}/")
    return body.split("<dt>Invited</dt>", 1)[1].split("</dd>", 1)[0]


def test_a_date_shows_in_the_persons_time_zone(acme, acme_admin):
    _org_settings(acme, default_timezone="America/New_York")
    _person_prefers(acme, acme_admin, timezone="Asia/Tokyo")

    assert ">2026-06-15 21:00</time>" in _invited_line(acme, acme_admin)


def test_a_date_shows_in_the_organizations_time_zone_when_the_person_chose_none(acme, acme_admin):
    _org_settings(acme, default_timezone="America/New_York")

    assert ">2026-06-15 08:00</time>" in _invited_line(acme, acme_admin)


def test_a_date_shows_in_utc_when_no_one_chose(acme, acme_admin):
    assert ">2026-06-15 12:00</time>" in _invited_line(acme, acme_admin)


# --- the organization area in French ----------------------------------------------------------------------


@pytest.fixture
def fresh_in_french(db, plans):
    """A newly provisioned organization (its getting-started checklist all to do) whose Org Admin reads
    French; the organization itself stays English."""
    from django.contrib.auth import get_user_model

    from tenants.services import organization_provision

    organization = organization_provision(
        name="Nouveau Départ",
        slug="nouveaudepart",
        plan=plans["growth"],
        admin_email="admin@nouveaudepart.example.com",
        admin_name="Camille Admin",
        trial_days=0,
    ).organization
    with schema_context(organization.schema_name):
        admin = get_user_model().objects.get(email="admin@nouveaudepart.example.com")
        admin.status = "active"
        admin.language = "fr"
        admin.save()
    return SimpleNamespace(organization=organization, admin=admin, page=browser_for(organization, admin))


def test_the_dashboard_and_its_checklist_are_in_french_for_a_french_admin(fresh_in_french):
    body = fresh_in_french.page.get("/").content.decode()

    assert '<html lang="fr">' in body
    assert "Bienvenue, Camille" in body
    assert '<h2 id="onboarding-title">Premiers pas</h2>' in body
    assert "<strong>0 sur 5 faites</strong>" in body
    assert body.count("Pas encore fait") == 5
    assert "<strong>Ajouter un site</strong>" in body
    assert "<strong>Créer un premier cours</strong>" in body
    assert 'href="/manage/branches/new/">Nouveau site</a>' in body
    assert 'href="/manage/imports/template.csv">Télécharger le modèle d&#x27;importation</a>' in body
    assert "Masquer cette liste" in body
    for english in (
        "Not done yet",
        "Add a branch",
        "Build a first course",
        "Hide this checklist",
        "Welcome,",
    ):
        assert english not in body


def test_the_checklist_api_follows_accept_language_and_keeps_its_codes(fresh_in_french):
    api = client_for(
        fresh_in_french.organization.slug, token=jwt_for(fresh_in_french.organization, fresh_in_french.admin)
    )

    french = api.get("/api/v1/onboarding", HTTP_ACCEPT_LANGUAGE="fr").json()["data"]["steps"]
    english = api.get("/api/v1/onboarding", HTTP_ACCEPT_LANGUAGE="en").json()["data"]["steps"]

    assert [step["code"] for step in french] == [step["code"] for step in english]
    assert (french[0]["code"], french[0]["label"]) == ("branch", "Ajouter un site")
    assert english[0]["label"] == "Add a branch"
    assert french[0]["links"][0]["label"] == "Nouveau site"


def test_the_settings_page_is_in_french_for_a_french_admin(acme, acme_admin):
    _org_settings(acme, primary_color="#ffee00")
    _person_prefers(acme, acme_admin, language="fr")

    body = _page(acme, acme_admin, "/manage/settings/")

    assert '<h1 id="settings-title">Paramètres et personnalisation</h1>' in body
    assert "<h2>Personnalisation</h2>" in body
    assert ">Couleur principale" in body
    assert ">Langue par défaut" in body
    assert "Les personnes peuvent s&#x27;inscrire elles-mêmes" in body
    assert '<button type="submit" class="primary">Enregistrer les paramètres</button>' in body
    # The brand colour's contrast, cached per colour, is still read in the viewer's language.
    assert "#ffee00 : 1.2:1 sur blanc." in body
    assert "en dessous des 4.5:1 que le niveau AA des WCAG exige pour le texte" in body
    for english in ("Settings and branding", "Primary colour", "Save settings", "on white"):
        assert english not in body


# --- emails in the recipient's language ---------------------------------------------------------------------


def _invite(organization, admin, **body) -> None:
    api = client_for(organization.slug, token=jwt_for(organization, admin))
    response = api.post("/api/v1/users", {"email": "nouvelle@acme.example.com", **body}, format="json")
    assert response.status_code == 201, response.json()


def test_a_french_invitee_gets_the_invitation_in_french(
    acme, acme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(acme, acme_admin, full_name="Jeanne Martin", language="fr")

    [message] = mailoutbox
    assert message.subject == "Vous êtes invité à rejoindre Acme Academy sur LearnStack"
    assert message.body.startswith("Bonjour Jeanne Martin,\n\nVous avez été invité à rejoindre Acme Academy.")
    assert "Le lien ne fonctionne qu'une fois et expire dans" in message.body


def test_an_invitee_without_a_language_gets_the_organizations_and_an_english_one_english(
    acme, acme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    _org_settings(acme, default_language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        _invite(acme, acme_admin)
        _invite(acme, acme_admin, email="english@acme.example.com", language="en")

    assert [m.subject for m in mailoutbox] == [
        "Vous êtes invité à rejoindre Acme Academy sur LearnStack",
        "You are invited to Acme Academy on LearnStack",
    ]


def test_a_password_reset_email_is_in_the_persons_language_not_the_pages(acme, acme_teacher, mailoutbox):
    _person_prefers(acme, acme_teacher, language="fr")

    browser_for(acme).post(
        "/accounts/password/reset/", {"email": acme_teacher.email}, HTTP_ACCEPT_LANGUAGE="en"
    )

    [message] = mailoutbox
    assert message.subject.endswith("Réinitialiser votre mot de passe")
    assert "/accounts/password/reset/key/" in message.body


# --- service errors over the API ----------------------------------------------------------------------------


def test_a_service_error_over_the_api_follows_accept_language(acme, acme_admin):
    from tests.api.helpers import assert_error

    api = client_for(acme.slug, token=jwt_for(acme, acme_admin))
    body = {"email": "nobranch@acme.example.com", "roles": [{"role": "teacher"}]}

    french = api.post("/api/v1/users", body, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    english = api.post("/api/v1/users", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert assert_error(french, 400, "VALIDATION_ERROR")["details"] == {
        "branch": [
            "Les enseignants et les étudiants appartiennent à un site ou à une classe : indiquez-en un."
        ]
    }
    assert assert_error(english, 400, "VALIDATION_ERROR")["details"] == {
        "branch": ["Teachers and students belong to a branch or a class: name one."]
    }


# --- what the views and forms say (flash messages, filters, scopes) ------------------------------------------


def _follow(organization, user, path: str, data=None) -> str:
    response = browser_for(organization, user).post(path, data or {}, follow=True)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_flash_message_after_a_page_action_is_in_french(acme, acme_admin):
    from tests.apikeys.conftest import store

    french_key, _ = store(acme, acme_admin, name="Paie")
    english_key, _ = store(acme, acme_admin, name="Payroll")
    _person_prefers(acme, acme_admin, language="fr")

    french = _follow(acme, acme_admin, f"/manage/api-keys/{french_key.pk}/revoke/")
    again = _follow(acme, acme_admin, f"/manage/api-keys/{french_key.pk}/revoke/")
    _person_prefers(acme, acme_admin, language="en")
    english = _follow(acme, acme_admin, f"/manage/api-keys/{english_key.pk}/revoke/")

    assert (
        "La clé d&#x27;API « Paie » est révoquée. Les requêtes qui l&#x27;utilisent sont refusées." in french
    )
    assert "was revoked" not in french
    assert "La clé d&#x27;API « Paie » était déjà révoquée." in again
    assert "The API key “Payroll” was revoked. Requests using it are refused." in english


def test_a_message_with_a_plural_and_a_role_is_in_french(acme, acme_admin):
    """Composed flash messages (a plural count, a role's label) read as French sentences too."""
    from apps.hierarchy.models import SchoolClass

    with in_org(acme):
        school_class = SchoolClass.objects.order_by("pk").first()
    _person_prefers(acme, acme_admin, language="fr")

    body = _follow(
        acme,
        acme_admin,
        f"/manage/classes/{school_class.pk}/members/",
        {"email": "nouvel.enseignant@acme.example.com", "role": "teacher"},
    )

    assert (
        f"nouvel.enseignant@acme.example.com est invité avec le rôle enseignant dans la classe {school_class}."
        in body
    )
    assert "is invited as a" not in body


def test_the_audit_log_filters_are_in_french(acme, acme_admin):
    _person_prefers(acme, acme_admin, language="fr")

    body = _page(acme, acme_admin, "/manage/audit/")

    for label in (
        ">Auteur</label>",
        ">Action</label>",
        ">Type de cible</label>",
        ">Du</label>",
        ">Au</label>",
    ):
        assert label in body
    assert '<option value="" selected>Toutes les actions</option>' in body
    assert '<option value="" selected>Tous les types</option>' in body
    assert 'placeholder="Adresse e-mail"' in body
    for english in ("Any action", "Any type", "Target type", ">To</label>"):
        assert english not in body


def test_the_api_key_scope_table_is_in_french(acme, acme_admin):
    _person_prefers(acme, acme_admin, language="fr")

    body = _page(acme, acme_admin, "/manage/api-keys/")

    assert "Cours et contenus" in body
    assert "Les cours, leurs modules, leçons, versions, médias, catégories et étiquettes." in body
    assert "Inscriptions et progression" in body
    assert "Le journal d&#x27;audit de l&#x27;organisation : qui a modifié quoi, et quand." in body
    assert "Importations" in body
    for english in ("Courses and content", "Enrollments and progress", "who changed what"):
        assert english not in body


def test_the_scopes_api_answers_in_the_callers_language(acme, acme_admin):
    api = client_for(acme.slug, token=jwt_for(acme, acme_admin))

    french = api.get("/api/v1/api-keys/scopes", HTTP_ACCEPT_LANGUAGE="fr").json()["data"]
    english = api.get("/api/v1/api-keys/scopes", HTTP_ACCEPT_LANGUAGE="en").json()["data"]

    assert (french[0]["code"], french[0]["label"]) == ("organization:read", "Organisation")
    assert french[2]["description"].startswith("Les sites de l'organisation : les lister")
    assert [row["code"] for row in french] == [row["code"] for row in english]
    assert (english[0]["label"], english[2]["label"]) == ("Organization", "Branches")


def test_a_validation_failure_says_so_in_the_callers_language(acme, acme_admin):
    """ValidationFailed's default message is read when raised, not fixed in English at import."""
    from tests.api.helpers import assert_error

    api = client_for(acme.slug, token=jwt_for(acme, acme_admin))
    body = {"email": "nobranch@acme.example.com", "roles": [{"role": "teacher"}]}

    french = api.post("/api/v1/users", body, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    english = api.post("/api/v1/users", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert assert_error(french, 400, "VALIDATION_ERROR")["message"] == "Certains champs ne sont pas valides."
    assert assert_error(english, 400, "VALIDATION_ERROR")["message"] == "Some fields are not valid."


def test_a_refusal_page_says_why_in_french(acme, acme_teacher):
    _person_prefers(acme, acme_teacher, language="fr")

    response = browser_for(acme, acme_teacher).get("/manage/branches/new/")

    assert response.status_code == 403
    body = response.content.decode()
    assert "Seuls les administrateurs de l&#x27;organisation peuvent créer des sites." in body
    assert "Only Org Admins may create branches." not in body
