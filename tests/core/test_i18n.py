"""The interface in English and French: the catalogs, languages that are not offered refused on input (forms,
API, services), and the API's own language and time zone. Which language and time zone a page is in:
tests/pages/test_language.py.

The translations live in locale/<lang>/LC_MESSAGES/django.po, and the compiled django.mo next to it is
committed (a fresh machine has no GNU gettext). After marking strings, regenerate both (needs gettext):

    .venv/bin/python manage.py makemessages -l fr --no-obsolete --ignore node_modules \\
        --ignore staticfiles --ignore 'tests/*' --ignore benchmarks --ignore docs --ignore .venv
    # translate the new and the fuzzy entries in locale/fr/LC_MESSAGES/django.po (makemessages guesses
    # fuzzy ones from similar msgids: check each, then remove its "fuzzy" flag), then
    .venv/bin/python manage.py compilemessages --locale fr --ignore .venv --ignore node_modules

The first tests below fail when the .mo is stale, or the .po has entries left untranslated or fuzzy.
"""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db import connection

from tests.api.helpers import assert_error, assert_ok
from tests.conftest import browser_for, client_for, in_org, jwt_for

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def _org_settings(organization, **values) -> None:
    """Change an organization's stored settings directly (also to values the forms refuse), before the
    test's first request loads the organization into the host cache."""
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=organization).update(**values)
    connection.set_schema_to_public()


def _person_prefers(organization, user, *, language: str = "", timezone: str = "") -> None:
    with in_org(organization):
        type(user).objects.filter(pk=user.pk).update(language=language, timezone=timezone)


# --- the catalogs ------------------------------------------------------------------------------------------


def _po_catalog(path: Path) -> dict:
    """What gettext would look up, compiled from the .po by polib (translated, non-fuzzy entries)."""
    catalog = {}
    for entry in polib.pofile(str(path)).translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                catalog[(key, int(index))] = text
        else:
            catalog[key] = entry.msgstr
    return catalog


def _mo_catalog(path: Path) -> dict:
    """What the committed .mo holds, read by Python's own gettext (not by the library that made it)."""
    with path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    return {key: text for key, text in translations._catalog.items() if key != ""}


def test_french_is_offered_and_has_a_catalog():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "fr"]
    assert LOCALE / "fr" / "LC_MESSAGES" / "django.po" in CATALOGS


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: p.parts[-3])
def test_the_committed_mo_says_what_the_po_says(po_path):
    mo_path = po_path.with_suffix(".mo")

    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages and commit it"
    assert _mo_catalog(mo_path) == _po_catalog(po_path), (
        f"{mo_path} is stale: run `manage.py compilemessages --locale {po_path.parts[-3]}` and commit it"
    )


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_entry_is_translated_and_none_is_fuzzy(po_path):
    po = polib.pofile(str(po_path))

    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    for entry in po.translated_entries():  # the same placeholders on both sides, the same markup
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in texts:
            assert sorted(_placeholders(text)) == sorted(_placeholders(entry.msgid_plural or entry.msgid)), (
                entry.msgid
            )


def _placeholders(text: str) -> list[str]:
    import re

    # %(name)s, %(count)d, {actor}, and the markup: <strong>, </a>...
    return re.findall(r"%\([a-z_]+\)[sd]|\{[a-z_0-9]+\}|</?[a-z]+", text)


# --- refusing languages that are not offered --------------------------------------------------------------


def test_the_profile_form_refuses_a_language_not_offered(acme, acme_student):
    response = browser_for(acme, acme_student).post(
        "/accounts/profile/", {"full_name": "Changed", "language": "de", "timezone": ""}
    )

    assert response.status_code == 200
    assert "Select a valid choice. de is not one of the available choices." in response.content.decode()
    with in_org(acme):
        assert type(acme_student).objects.get(pk=acme_student.pk).full_name == acme_student.full_name


def test_choosing_french_in_the_profile_turns_the_pages_french(acme, acme_student):
    client = browser_for(acme, acme_student)

    response = client.post("/accounts/profile/", {"full_name": "Sam", "language": "fr", "timezone": ""})
    body = client.get(response["Location"]).content.decode()

    assert '<html lang="fr">' in body
    assert "Votre profil a été enregistré." in body


def test_the_api_refuses_a_language_not_offered_with_a_field_error(acme, acme_admin, acme_student):
    api = client_for("acme", token=jwt_for(acme, acme_admin))

    url = f"/api/v1/users/{acme_student.pk}/profile"
    profile = api.put(url, {"full_name": "Sam", "language": "de"}, format="json")
    invite = api.post(
        "/api/v1/users", {"email": "new@acme.example.com", "language": "klingon"}, format="json"
    )
    org = api.patch(f"/api/v1/organizations/{acme.pk}/settings", {"default_language": "pt"}, format="json")
    fine = api.put(url, {"full_name": "Sam", "language": "fr"}, format="json")

    assert list(assert_error(profile, 400, "VALIDATION_ERROR")["details"]) == ["language"]
    assert list(assert_error(invite, 400, "VALIDATION_ERROR")["details"]) == ["language"]
    assert list(assert_error(org, 400, "VALIDATION_ERROR")["details"]) == ["default_language"]
    assert assert_ok(fine)["language"] == "fr"


def test_the_services_refuse_a_language_not_offered(acme, acme_admin, acme_student):
    from apps.accounts.services import user_invite, user_update
    from apps.core.errors import ValidationFailed
    from tenants.services import organization_settings_update

    with in_org(acme):
        with pytest.raises(ValidationFailed) as on_update:
            user_update(user=acme_student, actor=acme_admin, language="de")
        with pytest.raises(ValidationFailed) as on_invite:
            user_invite(email="x@acme.example.com", actor=acme_admin, language="FR")
    with pytest.raises(ValidationFailed) as on_settings:
        organization_settings_update(organization=acme, default_language="")

    assert list(on_update.value.field_errors) == ["language"]
    assert list(on_invite.value.field_errors) == ["language"]
    assert list(on_settings.value.field_errors) == ["default_language"]


def test_the_api_keeps_utc_and_honours_accept_language_for_messages(acme, acme_student):
    _org_settings(acme, default_language="fr", default_timezone="America/New_York")
    _person_prefers(acme, acme_student, language="fr", timezone="Asia/Tokyo")
    api = client_for("acme", token=jwt_for(acme, acme_student))

    me = assert_ok(api.get("/api/v1/auth/me"))
    english = api.post("/api/v1/auth/login", {}, format="json")
    french = api.post("/api/v1/auth/login", {}, format="json", headers={"accept-language": "fr"})

    assert me["date_joined"].endswith(("Z", "+00:00"))
    assert assert_error(english, 400, "VALIDATION_ERROR")["details"]["email"] == ["This field is required."]
    assert assert_error(french, 400, "VALIDATION_ERROR")["details"]["email"] == ["Ce champ est obligatoire."]
