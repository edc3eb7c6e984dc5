"""Certificate template pages: the list, the editor (a save is a new version, uploads included), the
read-only page for Branch Managers, the preview PDF, archive / restore / delete, and the 403 page for
everyone else; all without JavaScript."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.certificates.models import CertificateTemplate, TemplateVersion
from apps.certificates.templating import services
from tests.conftest import browser_for, in_org

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Acme modern",
    "layout": "modern",
    "page_size": "a4",
    "orientation": "landscape",
    "primary_color": "#1d4ed8",
    "accent_color": "#f59e0b",
    "title_text": "Certificate of completion",
    "body_text": "This certifies that {learner} has completed {course}.",
    "signer_name": "Dana Director",
    "signer_title": "Head of Learning",
    "positions": "",
}


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (10, 120, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def template(acme, acme_admin):
    with in_org(acme):
        return services.template_create(actor=acme_admin, name="Acme classic")


def test_the_list_shows_templates_and_the_new_button_to_org_admins(acme, acme_admin, template):
    page = body(browser_for(acme, acme_admin).get("/certificates/templates/"))

    assert "Acme classic" in page
    assert "/certificates/templates/new/" in page
    assert f"/certificates/templates/{template.pk}/preview/" in page


def test_an_org_admin_creates_a_template_with_a_logo(acme, acme_admin):
    client = browser_for(acme, acme_admin)

    response = client.post("/certificates/templates/new/", {**FORM, "logo": png()})

    with in_org(acme):
        created = CertificateTemplate.objects.get(name="Acme modern")
        version = TemplateVersion.objects.get(template=created)
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/templates/{created.pk}/"
    assert created.layout == "modern"
    assert created.logo.name.endswith(".png")
    assert version.snapshot["logo"] == created.logo.name
    logo = client.get(f"/certificates/templates/{created.pk}/logo/")
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"


def test_saving_the_editor_makes_one_new_version(acme, acme_admin, template):
    client = browser_for(acme, acme_admin)

    response = client.post(
        f"/certificates/templates/{template.pk}/",
        {**FORM, "name": "Acme classic", "layout": "minimal", "signature_image": png()},
    )
    page = body(client.get(f"/certificates/templates/{template.pk}/"))

    with in_org(acme):
        template.refresh_from_db()
        numbers = list(TemplateVersion.objects.filter(template=template).values_list("number", flat=True))
    assert response.status_code == 302
    assert template.version == 2
    assert template.layout == "minimal"
    assert template.signature_image
    assert sorted(numbers) == [1, 2]
    assert "Version 2" in page
    assert f"/certificates/templates/{template.pk}/preview/?version=1" in page


def test_the_editor_shows_the_services_errors_on_the_fields(acme, acme_admin, template):
    client = browser_for(acme, acme_admin)

    bad_body = body(
        client.post(f"/certificates/templates/{template.pk}/", {**FORM, "body_text": "Hi {student}"})
    )
    bad_positions = body(
        client.post(f"/certificates/templates/{template.pk}/", {**FORM, "positions": '{"banner": {"x": 1}}'})
    )
    bad_json = body(client.post(f"/certificates/templates/{template.pk}/", {**FORM, "positions": "{oops"}))

    with in_org(acme):
        template.refresh_from_db()
    assert "Unknown placeholder {student}" in bad_body
    assert "Unknown field banner" in bad_positions
    assert "not valid JSON" in bad_json
    assert template.version == 1


def test_the_preview_page_is_an_inline_pdf(acme, acme_admin, template):
    response = browser_for(acme, acme_admin).get(f"/certificates/templates/{template.pk}/preview/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content.startswith(b"%PDF-")


def test_archive_restore_and_delete_buttons(acme, acme_admin, template):
    client = browser_for(acme, acme_admin)

    archived = client.post(f"/certificates/templates/{template.pk}/archive/")
    with in_org(acme):
        status_after_archive = CertificateTemplate.objects.get(pk=template.pk).status
    client.post(f"/certificates/templates/{template.pk}/restore/")
    confirm = body(client.get(f"/certificates/templates/{template.pk}/delete/"))
    deleted = client.post(f"/certificates/templates/{template.pk}/delete/")

    assert archived.status_code == 302
    assert status_after_archive == "archived"
    assert "Delete the template" in confirm
    assert deleted["Location"] == "/certificates/templates/"
    with in_org(acme):
        assert not CertificateTemplate.objects.filter(pk=template.pk).exists()


def test_branch_managers_see_a_read_only_page(acme, acme_manager, template):
    client = browser_for(acme, acme_manager)

    page = body(client.get(f"/certificates/templates/{template.pk}/"))
    refused = client.post(f"/certificates/templates/{template.pk}/", {**FORM, "name": "Hijacked"})
    new = client.get("/certificates/templates/new/")
    archive = client.post(f"/certificates/templates/{template.pk}/archive/")

    assert "Only Org Admins may change templates." in page
    assert '<form method="post" enctype' not in page
    assert refused.status_code == 403
    assert new.status_code == 403
    assert archive.status_code == 403
    with in_org(acme):
        template.refresh_from_db()
    assert template.name == "Acme classic"
    assert template.status == "active"


@pytest.mark.parametrize("role", ["acme_teacher", "acme_student"])
def test_teachers_and_students_get_the_403_page(acme, template, role, request):
    client = browser_for(acme, request.getfixturevalue(role))

    assert client.get("/certificates/templates/").status_code == 403
    assert client.get(f"/certificates/templates/{template.pk}/").status_code == 403
    assert client.get(f"/certificates/templates/{template.pk}/preview/").status_code == 403


def test_another_organizations_template_is_a_404(acme, globex, globex_admin, template):
    client = browser_for(globex, globex_admin)

    assert client.get(f"/certificates/templates/{template.pk}/").status_code == 404
    assert client.get(f"/certificates/templates/{template.pk}/preview/").status_code == 404
    assert client.post(f"/certificates/templates/{template.pk}/archive/").status_code == 404
