"""Certificate template services: every printed change is a new version with its snapshot, uploads are
checked, archive and delete keep what certificates need, only Org Admins write, and each write is audited."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from model_bakery import baker
from PIL import Image
from pypdf import PdfReader

from apps.audit.models import AuditEntry
from apps.certificates.models import CertificateRule, CertificateTemplate, TemplateVersion
from apps.certificates.rendering import render_pdf
from apps.certificates.templating import services
from apps.certificates.templating.snapshots import snapshot_of
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.conftest import in_org

pytestmark = pytest.mark.django_db


def image_upload(name="logo.png", *, kind="PNG", size=(120, 60), colour=(29, 78, 216)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=kind)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}[kind]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


@pytest.fixture
def template(acme, acme_admin):
    with in_org(acme):
        return services.template_create(actor=acme_admin, name="Acme classic", signer_name="Dana Director")


def test_a_new_template_is_version_one_with_its_snapshot(acme, acme_admin, template):
    with in_org(acme):
        version = TemplateVersion.objects.get(template=template)

    assert template.version == 1
    assert template.layout == "classic"
    assert version.number == 1
    assert version.created_by == acme_admin
    assert version.snapshot == snapshot_of(template)
    assert version.snapshot["name"] == "Acme classic"
    assert version.snapshot["signer_name"] == "Dana Director"
    assert version.snapshot["logo"] == ""
    assert version.snapshot["body_text"] == "This certifies that {learner} has completed {course}."


def test_a_change_writes_the_next_version_and_keeps_the_old_one(acme, acme_admin, template):
    with in_org(acme):
        updated = services.template_update(
            actor=acme_admin,
            template=template,
            layout="modern",
            primary_color="#0F766E",
            title_text="Diploma",
        )
        snapshots = dict(TemplateVersion.objects.filter(template=template).values_list("number", "snapshot"))

    assert updated.version == 2
    assert updated.primary_color == "#0f766e"
    assert snapshots[1]["layout"] == "classic"
    assert snapshots[1]["title_text"] == "Certificate of completion"
    assert snapshots[2]["layout"] == "modern"
    assert snapshots[2]["title_text"] == "Diploma"
    assert snapshots[2]["version"] == 2


def test_saving_the_same_values_makes_no_new_version(acme, acme_admin, template):
    with in_org(acme):
        same = services.template_update(
            actor=acme_admin, template=template, name="Acme classic", layout="classic"
        )
        count = TemplateVersion.objects.filter(template=template).count()

    assert same.version == 1
    assert count == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"primary_color": "blue"}, "primary_color"),
        ({"layout": "baroque"}, "layout"),
        ({"page_size": "a3"}, "page_size"),
        ({"title_text": ""}, "title_text"),
        ({"body_text": "Well done {student}!"}, "body_text"),
        ({"body_text": "x" * 2001}, "body_text"),
        ({"fields": {"learner": {"x": 10, "y": 900}}}, "fields.learner.y"),
        ({"fields": {"learner": {"x": "ten", "y": 9}}}, "fields.learner.x"),
        ({"fields": {"banner": {"x": 1, "y": 1}}}, "fields"),
        ({"fields": {"qr": {"x": 1, "y": 1, "align": "justify"}}}, "fields.qr.align"),
        ({"fields": ["learner"]}, "fields"),
    ],
)
def test_bad_values_are_refused_by_field(acme, acme_admin, template, values, field):
    with in_org(acme):
        with pytest.raises(ValidationFailed) as refused:
            services.template_update(actor=acme_admin, template=template, **values)
        template.refresh_from_db()

    assert field in refused.value.field_errors
    assert template.version == 1


def test_custom_positions_are_kept_as_numbers(acme, acme_admin, template):
    fields = {"learner": {"x": 148.5, "y": 90, "size": 34, "align": "center"}, "qr": {"x": 20, "y": 160}}
    with in_org(acme):
        updated = services.template_update(
            actor=acme_admin, template=template, layout="custom", fields=fields
        )

    assert updated.fields == {
        "learner": {"x": 148.5, "y": 90.0, "size": 34.0, "align": "center"},
        "qr": {"x": 20.0, "y": 160.0, "size": 12.0, "align": "left"},
    }


def test_only_org_admins_change_templates(acme, acme_manager, acme_teacher, template):
    with in_org(acme):
        for person in (acme_manager, acme_teacher):
            with pytest.raises(PermissionDenied):
                services.template_update(actor=person, template=template, name="Hijacked")
            with pytest.raises(PermissionDenied):
                services.template_create(actor=person, name="Mine")
        template.refresh_from_db()

    assert template.name == "Acme classic"


def test_a_logo_upload_is_a_new_version_and_old_versions_keep_theirs(acme, acme_admin, template):
    with in_org(acme):
        first = services.template_set_image(
            actor=acme_admin, template=template, field="logo", upload=image_upload()
        )
        first_name = first.logo.name
        second = services.template_set_image(
            actor=acme_admin, template=first, field="logo", upload=image_upload("logo.jpg", kind="JPEG")
        )
        snapshots = dict(TemplateVersion.objects.filter(template=template).values_list("number", "snapshot"))
        old_file_kept = first.logo.storage.exists(first_name)

    assert second.version == 3
    assert first_name.startswith("acme/certificates/assets/")
    assert first_name.endswith(".png")
    assert second.logo.name.endswith(".jpg")
    assert snapshots[2]["logo"] == first_name
    assert snapshots[3]["logo"] == second.logo.name
    assert old_file_kept


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: image_upload("logo.gif", kind="GIF"), "not accepted"),
        (lambda: image_upload("logo.jpg", kind="PNG"), "rename"),
        (lambda: image_upload(size=(4100, 20)), "pixels"),
        (
            lambda: SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\nbroken", content_type="image/png"),
            "read",
        ),
    ],
)
def test_uploads_must_be_real_bounded_png_or_jpeg(acme, acme_admin, template, upload, message):
    with in_org(acme):
        with pytest.raises(ValidationFailed) as refused:
            services.template_set_image(
                actor=acme_admin, template=template, field="signature_image", upload=upload()
            )
        template.refresh_from_db()

    assert message in " ".join(refused.value.field_errors["signature_image"])
    assert template.version == 1
    assert not template.signature_image


def test_removing_the_signature_is_a_new_version(acme, acme_admin, template):
    with in_org(acme):
        signed = services.template_set_image(
            actor=acme_admin, template=template, field="signature_image", upload=image_upload("sig.png")
        )
        cleared = services.template_clear_image(actor=acme_admin, template=signed, field="signature_image")
        again = services.template_clear_image(actor=acme_admin, template=cleared, field="signature_image")

    assert cleared.version == 3
    assert not cleared.signature_image
    assert again.version == 3


def test_a_stored_logo_is_printed_on_the_certificate(acme, acme_admin, template):
    with in_org(acme):
        with_logo = services.template_set_image(
            actor=acme_admin, template=template, field="logo", upload=image_upload()
        )
        pdf = render_pdf(
            snapshot_of(with_logo),
            {"learner": "Ada Palmer", "course": "Algebra", "organization": "Acme"},
            verify_url="https://acme.example/verify/x",
            code="1234567890AP",
        )
        without = render_pdf(
            snapshot_of(template),
            {"learner": "Ada Palmer"},
            verify_url="https://acme.example/verify/x",
            code="1",
        )

    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    assert len(PdfReader(io.BytesIO(without)).pages[0].images) == 0


def test_archive_and_restore_change_the_status_but_not_the_version(acme, acme_admin, template):
    with in_org(acme):
        archived = services.template_archive(actor=acme_admin, template=template)
        restored = services.template_restore(actor=acme_admin, template=archived)

    assert archived.status == CertificateTemplate.Status.ARCHIVED
    assert restored.status == CertificateTemplate.Status.ACTIVE
    assert restored.version == 1


def test_a_template_in_use_cannot_be_deleted_but_a_free_one_can(acme, acme_admin, template):
    with in_org(acme):
        course = baker.make_recipe("courses.course", title="Algebra Foundations")
        CertificateRule.objects.create(course=course, template=template)
        spare = services.template_create(actor=acme_admin, name="Spare")
        with pytest.raises(Conflict):
            services.template_delete(actor=acme_admin, template=template)
        services.template_delete(actor=acme_admin, template=spare)

        assert CertificateTemplate.objects.filter(pk=template.pk).exists()
        assert not CertificateTemplate.objects.filter(pk=spare.pk).exists()
        assert not TemplateVersion.objects.filter(template_id=spare.pk).exists()


def test_every_write_is_audited(acme, acme_admin, template):
    with in_org(acme):
        services.template_update(actor=acme_admin, template=template, signer_title="Dean")
        services.template_archive(actor=acme_admin, template=template)
        services.template_restore(actor=acme_admin, template=template)
        entries = list(
            AuditEntry.objects.filter(
                target_type="certificates.certificatetemplate", target_id=str(template.pk)
            )
            .order_by("pk")
            .values_list("action", "changes")
        )

    assert entries == [
        ("certificate_template.created", {"layout": "classic", "version": 1}),
        ("certificate_template.updated", {"fields": ["signer_title"], "version": 2}),
        ("certificate_template.archived", {}),
        ("certificate_template.restored", {}),
    ]
