"""/api/v1/certificate-templates: CRUD with versions, uploads, archive / restore, the preview PDF, who may
read and write, another organization's templates as 404, and a list whose queries do not grow."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from pypdf import PdfReader

from apps.certificates.models import CertificateRule
from apps.certificates.templating import services
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, in_org, jwt_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/certificate-templates"


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def png(name="logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 80), (200, 30, 30, 255)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def template(acme, acme_admin):
    with in_org(acme):
        return services.template_create(actor=acme_admin, name="Acme classic")


def test_an_org_admin_creates_reads_changes_and_lists_templates(acme, acme_admin):
    client = api(acme, acme_admin)

    created = assert_ok(
        client.post(
            BASE,
            {
                "name": "Modern blue",
                "layout": "modern",
                "orientation": "portrait",
                "page_size": "letter",
                "primary_color": "#0F766E",
                "signer_name": "Dana Director",
                "body_text": "{learner} completed {course} with {grade}.",
            },
            format="json",
        ),
        201,
    )
    changed = assert_ok(client.patch(f"{BASE}/{created['id']}", {"title_text": "Diploma"}, format="json"))
    listed = assert_ok(client.get(BASE))

    assert created["version"] == 1
    assert created["layout"] == "modern"
    assert created["primary_color"] == "#0f766e"
    assert created["status"] == "active"
    assert created["logo"] is None
    assert created["certificate_count"] == 0
    assert created["created_by"] == {"id": acme_admin.pk, "full_name": acme_admin.get_full_name()}
    assert changed["version"] == 2
    assert changed["title_text"] == "Diploma"
    assert changed["orientation"] == "portrait"
    assert [row["name"] for row in listed] == ["Modern blue"]


def test_custom_positions_go_in_fields_and_errors_name_the_path(acme, acme_admin, template):
    client = api(acme, acme_admin)
    fields = {"learner": {"x": 148.5, "y": 90, "size": 34, "align": "center"}}

    saved = assert_ok(
        client.put(f"{BASE}/{template.pk}", {"layout": "custom", "fields": fields}, format="json")
    )
    refused = client.put(f"{BASE}/{template.pk}", {"fields": {"learner": {"x": -3, "y": 10}}}, format="json")

    assert saved["fields"] == {"learner": {"x": 148.5, "y": 90.0, "size": 34.0, "align": "center"}}
    assert "fields.learner.x" in assert_error(refused, 400, "VALIDATION_ERROR")["details"]


def test_versions_are_listed_newest_first_with_their_snapshots(acme, acme_admin, template):
    client = api(acme, acme_admin)
    client.patch(f"{BASE}/{template.pk}", {"layout": "minimal"}, format="json")

    versions = assert_ok(client.get(f"{BASE}/{template.pk}/versions"))
    first = assert_ok(client.get(f"{BASE}/{template.pk}/versions/1"))
    missing = client.get(f"{BASE}/{template.pk}/versions/9")

    assert [(v["number"], v["current"], v["snapshot"]["layout"]) for v in versions] == [
        (2, True, "minimal"),
        (1, False, "classic"),
    ]
    assert first["snapshot"]["name"] == "Acme classic"
    assert missing.status_code == 404


def test_logo_and_signature_are_uploaded_served_and_removed(acme, acme_admin, template):
    client = api(acme, acme_admin)

    with_logo = assert_ok(client.put(f"{BASE}/{template.pk}/logo", {"file": png()}, format="multipart"))
    served = client.get(f"{BASE}/{template.pk}/logo")
    signed = assert_ok(
        client.put(f"{BASE}/{template.pk}/signature", {"file": png("sig.png")}, format="multipart")
    )
    without = assert_ok(client.delete(f"{BASE}/{template.pk}/logo"))
    gone = client.get(f"{BASE}/{template.pk}/logo")
    empty = client.put(f"{BASE}/{template.pk}/logo", {}, format="multipart")
    fake = client.put(
        f"{BASE}/{template.pk}/logo",
        {"file": SimpleUploadedFile("logo.png", b"GIF89a" + b"\x00" * 40, content_type="image/png")},
        format="multipart",
    )

    assert with_logo["version"] == 2
    assert with_logo["logo"] == f"{BASE}/{template.pk}/logo"
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content if served.streaming else [served.content]).startswith(b"\x89PNG")
    assert signed["signature_image"] == f"{BASE}/{template.pk}/signature"
    assert signed["version"] == 3
    assert without["logo"] is None
    assert without["version"] == 4
    assert gone.status_code == 404
    assert "file" in assert_error(empty, 400, "VALIDATION_ERROR")["details"]
    assert "logo" in assert_error(fake, 400, "VALIDATION_ERROR")["details"]


def test_the_preview_is_an_inline_pdf_with_sample_data(acme, acme_admin, template):
    client = api(acme, acme_admin)
    client.patch(f"{BASE}/{template.pk}", {"title_text": "Diploma"}, format="json")

    current = client.get(f"{BASE}/{template.pk}/preview")
    first = client.get(f"{BASE}/{template.pk}/preview?version=1")
    unknown = client.get(f"{BASE}/{template.pk}/preview?version=7")

    assert current.status_code == 200
    assert current["Content-Type"] == "application/pdf"
    assert current["Content-Disposition"].startswith("inline;")
    text = PdfReader(io.BytesIO(current.content)).pages[0].extract_text()
    assert "Alex Sample" in text
    assert "Diploma" in text
    assert "Acme" in text  # the organization's name
    assert "Certificate of completion" in PdfReader(io.BytesIO(first.content)).pages[0].extract_text()
    assert "version" in assert_error(unknown, 400, "VALIDATION_ERROR")["details"]


def test_archive_restore_and_delete(acme, acme_admin, template):
    client = api(acme, acme_admin)
    with in_org(acme):
        spare = services.template_create(actor=acme_admin, name="Spare")
        from model_bakery import baker

        CertificateRule.objects.create(course=baker.make_recipe("courses.course"), template=template)

    archived = assert_ok(client.post(f"{BASE}/{template.pk}/archive"))
    active_only = assert_ok(client.get(f"{BASE}?filter[status]=active"))
    restored = assert_ok(client.post(f"{BASE}/{template.pk}/restore"))
    in_use = client.delete(f"{BASE}/{template.pk}")
    deleted = client.delete(f"{BASE}/{spare.pk}")

    assert archived["status"] == "archived"
    assert [row["name"] for row in active_only] == ["Spare"]
    assert restored["status"] == "active"
    assert restored["rule_count"] == 1
    assert "archive" in assert_error(in_use, 409, "CONFLICT")["message"]
    assert deleted.status_code == 204
    assert client.get(f"{BASE}/{spare.pk}").status_code == 404


def test_branch_managers_read_but_do_not_write(acme, acme_manager, template):
    client = api(acme, acme_manager)

    listed = assert_ok(client.get(BASE))
    preview = client.get(f"{BASE}/{template.pk}/preview")
    refused = [
        client.post(BASE, {"name": "Mine"}, format="json"),
        client.patch(f"{BASE}/{template.pk}", {"name": "Hijacked"}, format="json"),
        client.post(f"{BASE}/{template.pk}/archive"),
        client.delete(f"{BASE}/{template.pk}"),
        client.put(f"{BASE}/{template.pk}/logo", {"file": png()}, format="multipart"),
    ]

    assert [row["id"] for row in listed] == [template.pk]
    assert preview.status_code == 200
    for response in refused:
        assert_error(response, 403, "PERMISSION_DENIED")


@pytest.mark.parametrize("role", ["acme_teacher", "acme_student"])
def test_teachers_and_students_cannot_see_templates(acme, template, role, request):
    client = api(acme, request.getfixturevalue(role))

    assert_error(client.get(BASE), 403, "PERMISSION_DENIED")
    assert_error(client.get(f"{BASE}/{template.pk}"), 403, "PERMISSION_DENIED")


def test_another_organizations_template_is_not_found(acme, globex, globex_admin, template):
    client = api(globex, globex_admin)

    assert_error(client.get(f"{BASE}/{template.pk}"), 404, "NOT_FOUND")
    assert_error(client.get(f"{BASE}/{template.pk}/preview"), 404, "NOT_FOUND")
    assert_error(client.patch(f"{BASE}/{template.pk}", {"name": "X"}, format="json"), 404, "NOT_FOUND")
    assert assert_ok(client.get(BASE)) == []


def test_the_list_makes_the_same_few_queries_for_any_page_size(acme, acme_admin):
    client = api(acme, acme_admin)
    with in_org(acme):
        for index in range(2):
            services.template_create(actor=acme_admin, name=f"Template {index}")
    client.get(BASE)  # warm the scope cache
    with CaptureQueriesContext(connection) as few:
        assert len(assert_ok(client.get(BASE))) == 2
    with in_org(acme):
        for index in range(2, 9):
            services.template_create(actor=acme_admin, name=f"Template {index}")
    with CaptureQueriesContext(connection) as many:
        assert len(assert_ok(client.get(BASE))) == 9

    assert len(many) == len(few)
    assert len(many) <= 5
