"""Org settings and branding: saved through tenants.services with an audit entry, refused values change
nothing, and the logo is a real image of at most 1 MB, stored per organization and served only on its host."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.conftest import browser_for, client_for
from tests.console.helpers import accessibility_problems

from .conftest import audit_actions

SETTINGS = {
    "display_name": "Acme Learning",
    "primary_color": "#112233",
    "welcome_text": "Hello learners",
    "default_language": "fr",
    "default_timezone": "Europe/Paris",
    "self_signup_enabled": "on",
    "allowed_email_domains": "acme.example.com\nstudents.acme.example.com",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(fmt="PNG", size=(120, 40), noise=False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 30, 60))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def current(acme):
    from tenants.models import OrganizationSettings

    return OrganizationSettings.objects.get(organization=acme)


def test_org_admin_saves_settings(admin, acme, django_capture_on_commit_callbacks):
    from tenants.models import OrganizationEvent

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/manage/settings/", SETTINGS)
    page = admin.get("/").content.decode()

    saved = current(acme)
    assert response.status_code == 302
    assert (
        saved.display_name,
        saved.primary_color,
        saved.welcome_text,
        saved.default_language,
        saved.default_timezone,
        saved.self_signup_enabled,
        saved.allowed_email_domains,
    ) == (
        "Acme Learning",
        "#112233",
        "Hello learners",
        "fr",
        "Europe/Paris",
        True,
        ["acme.example.com", "students.acme.example.com"],
    )
    assert [a for a, *_ in audit_actions(action="organization.settings_updated")] == [
        "organization.settings_updated"
    ]
    event = OrganizationEvent.objects.get(organization=acme, action="settings_changed")
    assert (event.actor_email, event.details["actor_org"]) == ("orgadmin@acme.example.com", "acme")
    assert "--brand: #112233" in page
    assert "Hello learners" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("primary_color", "blue", "Use a colour like #2457d6."),
        ("default_timezone", "Mars/Olympus", "Mars/Olympus is not one of the available choices."),
        ("allowed_email_domains", "not a domain", "&#x27;not&#x27; is not a domain name."),
    ],
)
def test_bad_values_are_field_errors_and_change_nothing(field, value, message, admin, acme):
    response = admin.post("/manage/settings/", {**SETTINGS, field: value})

    body = response.content.decode()
    assert response.status_code == 200
    assert f'<div class="error" id="id_{field}_error">' in body
    assert message in body
    assert accessibility_problems(body) == []
    assert current(acme).display_name == "Acme Academy"
    assert audit_actions(action="organization.settings_updated") == []


def test_logo_upload_is_stored_per_organization_and_served_on_its_host(
    admin, acme, globex, media, django_capture_on_commit_callbacks
):
    png = image_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/manage/settings/",
            {**SETTINGS, "logo": SimpleUploadedFile("My Logo.PNG", png, content_type="image/png")},
        )
    served = browser_for(acme).get("/manage/branding/logo")
    elsewhere = client_for("globex").get("/manage/branding/logo")
    header = browser_for(acme).get("/").content.decode()

    name = current(acme).logo.name
    assert response.status_code == 302
    assert name.startswith("acme/branding/logo-")
    assert name.endswith(".png")
    assert (media / name).read_bytes() == png
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png
    assert elsewhere.status_code == 404
    assert '<img class="brand-logo" src="/manage/branding/logo?v=' in header
    assert audit_actions(action="organization.settings_updated")[0][0] == "organization.settings_updated"


def test_a_renamed_non_image_is_refused(admin, acme, media):
    fake = SimpleUploadedFile("logo.png", b"<?php echo 'not an image'; ?>", content_type="image/png")

    response = admin.post("/manage/settings/", {**SETTINGS, "logo": fake})

    body = response.content.decode()
    assert response.status_code == 200
    assert '<div class="error" id="id_logo_error">' in body
    assert "This file is not an image we can use. Upload a PNG, JPEG, GIF or WebP image." in body
    assert current(acme).logo.name == ""
    assert current(acme).display_name == "Acme Academy"
    assert list(media.rglob("*")) == []


def test_an_svg_is_refused(admin, acme, media):
    svg = SimpleUploadedFile(
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/svg+xml",
    )

    response = admin.post("/manage/settings/", {**SETTINGS, "logo": svg})

    assert "This file is not an image we can use." in response.content.decode()
    assert current(acme).logo.name == ""


def test_an_image_over_1_mb_is_refused(admin, acme, media):
    big = image_bytes(size=(800, 800), noise=True)
    assert len(big) > 1024 * 1024

    response = admin.post("/manage/settings/", {**SETTINGS, "logo": SimpleUploadedFile("big.png", big)})

    body = response.content.decode()
    assert response.status_code == 200
    assert "upload one of at most 1 MB." in body
    assert current(acme).logo.name == ""
    assert list(media.rglob("*")) == []


def test_the_stored_name_follows_the_content_not_the_upload_name(admin, acme):
    admin.post("/manage/settings/", {**SETTINGS, "logo": SimpleUploadedFile("logo.png", image_bytes("JPEG"))})

    assert current(acme).logo.name.endswith(".jpg")
    assert browser_for(acme).get("/manage/branding/logo")["Content-Type"] == "image/jpeg"


def test_replacing_and_removing_the_logo_deletes_the_old_files(
    admin, acme, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/manage/settings/", {**SETTINGS, "logo": SimpleUploadedFile("a.png", image_bytes())})
    first = current(acme).logo.name
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/manage/settings/", {**SETTINGS, "logo": SimpleUploadedFile("b.gif", image_bytes("GIF"))})
    second = current(acme).logo.name
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/manage/settings/", {**SETTINGS, "remove_logo": "on"})

    assert first != second
    assert not (media / first).exists()
    assert not (media / second).exists()
    assert current(acme).logo.name == ""
    assert browser_for(acme).get("/manage/branding/logo").status_code == 404


def test_no_logo_answers_404(acme):
    assert browser_for(acme).get("/manage/branding/logo").status_code == 404


def test_saving_unchanged_settings_records_nothing(admin, acme):
    from tenants.models import OrganizationEvent

    unchanged = {
        "display_name": "Acme Academy",
        "primary_color": "#2457d6",
        "welcome_text": "",
        "default_language": "en",
        "default_timezone": "UTC",
        "allowed_email_domains": "",
    }

    response = admin.post("/manage/settings/", unchanged, follow=True)

    assert "Nothing changed." in response.content.decode()
    assert audit_actions(action="organization.settings_updated") == []
    assert not OrganizationEvent.objects.filter(organization=acme, action="settings_changed").exists()


def test_an_organization_without_stored_settings_sees_the_defaults_and_the_first_save_stores_them(
    admin, acme
):
    """The page reads the settings as the API does (tenants.selectors): a missing row shows the defaults and
    opening the page stores nothing."""
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=acme).delete()

    page = admin.get("/manage/settings/")

    assert page.status_code == 200
    assert page.context["form"].initial["display_name"] == acme.name
    assert not OrganizationSettings.objects.filter(organization=acme).exists()

    response = admin.post("/manage/settings/", SETTINGS)

    assert response.status_code == 302
    assert current(acme).display_name == "Acme Learning"
