"""/api/v1/content/{id}/media and /api/v1/media/{id}: uploads checked by what they are, listed and served only to
those who may open them (by session, JWT or API key), never on another organization's host."""

import pytest
from django.test import override_settings

from apps.courses import services
from apps.courses.models import ContentItem, MediaFile
from tests.api.helpers import assert_error, assert_ok
from tests.apikeys.conftest import issue, key_client
from tests.conftest import browser_for, client_for, in_org, jwt_for, person

from .conftest import ELF_BYTES, MP4_BYTES, PDF_BYTES, PE_BYTES, PNG_BYTES, build_course, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def lesson(acme, acme_course):
    with in_org(acme):
        return ContentItem.objects.filter(course=acme_course).order_by("module__position", "position").first()


@pytest.fixture
def handout(acme, acme_teacher, lesson):
    """A PDF shown by a published file lesson of acme_course (north)."""
    with in_org(acme):
        media = services.media_upload(
            actor=acme_teacher, course=lesson.course, upload=upload("handout.pdf", PDF_BYTES), item=lesson
        )
        item = services.content_create(
            actor=acme_teacher, module=lesson.module, kind="file", title="Handout", media=media.pk
        )
        services.course_publish(actor=acme_teacher, course=lesson.course)
        return item, media


def test_an_editor_uploads_a_file_and_the_lesson_shows_it(acme, acme_teacher, acme_student, lesson):
    teacher = api(acme, acme_teacher)

    media = assert_ok(
        teacher.post(
            f"/api/v1/content/{lesson.pk}/media", {"file": upload("clip.mp4", MP4_BYTES)}, format="multipart"
        ),
        201,
    )

    assert (media["name"], media["content_type"], media["size"], media["item"]) == (
        "clip.mp4",
        "video/mp4",
        len(MP4_BYTES),
        lesson.pk,
    )
    assert media["download_url"] == f"http://acme.learnstack.test/api/v1/media/{media['id']}/download"
    assert [m["id"] for m in assert_ok(teacher.get(f"/api/v1/content/{lesson.pk}/media"))] == [media["id"]]
    # Not yet part of a published version: learners neither list nor open it.
    assert assert_ok(api(acme, acme_student).get(f"/api/v1/content/{lesson.pk}/media")) == []
    assert_error(api(acme, acme_student).get(f"/api/v1/media/{media['id']}/download"), 404, "NOT_FOUND")
    video = assert_ok(
        teacher.post(
            f"/api/v1/courses/{lesson.course_id}/content",
            {"module": lesson.module_id, "kind": "video", "title": "Clip", "media": media["id"]},
            format="json",
        ),
        201,
    )
    assert video["media"]["id"] == media["id"]


def test_a_file_lesson_is_made_from_a_course_upload(acme, acme_teacher, acme_student, lesson):
    teacher, course_id = api(acme, acme_teacher), lesson.course_id

    media = assert_ok(
        teacher.post(
            f"/api/v1/courses/{course_id}/media", {"file": upload("a.pdf", PDF_BYTES)}, format="multipart"
        ),
        201,
    )
    item = assert_ok(
        teacher.post(
            f"/api/v1/courses/{course_id}/content",
            {"module": lesson.module_id, "kind": "file", "title": "Worksheet", "media": media["id"]},
            format="json",
        ),
        201,
    )
    assert_ok(teacher.post(f"/api/v1/content/{item['id']}/versions/1/publish"))

    student = api(acme, acme_student)
    assert assert_ok(student.get(f"/api/v1/content/{item['id']}"))["media"]["id"] == media["id"]
    assert [m["id"] for m in assert_ok(student.get(f"/api/v1/content/{item['id']}/media"))] == [media["id"]]
    assert [m["id"] for m in assert_ok(student.get(f"/api/v1/courses/{course_id}/media"))] == [media["id"]]
    assert body(student.get(f"/api/v1/media/{media['id']}/download")) == PDF_BYTES
    assert [m["id"] for m in assert_ok(teacher.get(f"/api/v1/content/{item['id']}/media"))] == [media["id"]]
    assert_error(
        student.post(
            f"/api/v1/courses/{course_id}/media", {"file": upload("b.pdf", PDF_BYTES)}, format="multipart"
        ),
        403,
        "PERMISSION_DENIED",
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("handout.pdf", ELF_BYTES, "Programs and scripts cannot be uploaded."),
        ("setup.pdf", PE_BYTES, "Programs and scripts cannot be uploaded."),
        ("photo.pdf", PNG_BYTES, "The file's name says .pdf but its contents are image/png"),
    ],
)
def test_refused_uploads_answer_400_with_details_file(acme, acme_teacher, lesson, name, data, message):
    response = api(acme, acme_teacher).post(
        f"/api/v1/content/{lesson.pk}/media", {"file": upload(name, data)}, format="multipart"
    )

    details = assert_error(response, 400, "VALIDATION_ERROR")["details"]
    assert list(details) == ["file"]
    assert details["file"][0].startswith(message)
    with in_org(acme):
        assert not MediaFile.objects.exists()


def test_an_oversized_upload_answers_400_with_details_file(acme, acme_teacher, lesson):
    with override_settings(MEDIA_MAX_UPLOAD_MB=1):
        response = api(acme, acme_teacher).post(
            f"/api/v1/content/{lesson.pk}/media",
            {"file": upload("notes.txt", b"x" * (1024 * 1024 + 1))},
            format="multipart",
        )

    assert assert_error(response, 400, "VALIDATION_ERROR")["details"] == {
        "file": ["The file is 1.0 MB; files may be at most 1 MB."]
    }


def test_an_upload_without_a_file_answers_400(acme, acme_teacher, lesson):
    response = api(acme, acme_teacher).post(f"/api/v1/content/{lesson.pk}/media", {}, format="multipart")

    assert set(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == {"file"}


def test_an_upload_sent_as_json_answers_415(acme, acme_teacher, lesson):
    response = api(acme, acme_teacher).post(f"/api/v1/content/{lesson.pk}/media", {}, format="json")

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_learners_and_staff_who_do_not_edit_may_not_upload(acme, acme_student, acme_admin, lesson):
    assert_error(
        api(acme, acme_student).post(
            f"/api/v1/content/{lesson.pk}/media", {"file": upload("a.pdf", PDF_BYTES)}, format="multipart"
        ),
        403,
        "PERMISSION_DENIED",
    )
    org_wide = build_course(acme, owner=acme_admin, title="Org-wide")
    with in_org(acme):
        item = ContentItem.objects.filter(course=org_wide).first()
    response = api(acme, person(acme, "teacher")).post(
        f"/api/v1/content/{item.pk}/media", {"file": upload("a.pdf", PDF_BYTES)}, format="multipart"
    )
    assert_error(response, 403, "PERMISSION_DENIED")


def test_a_published_file_is_listed_and_served_to_learners_of_the_course(
    acme, acme_student, acme_teacher, handout
):
    item, media = handout
    student = api(acme, acme_student)

    assert [m["id"] for m in assert_ok(student.get(f"/api/v1/content/{item.pk}/media"))] == [media.pk]
    assert assert_ok(student.get(f"/api/v1/media/{media.pk}"))["name"] == "handout.pdf"
    response = student.get(f"/api/v1/media/{media.pk}/download", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == PDF_BYTES
    attachment = student.get(f"/api/v1/media/{media.pk}/download", {"download": "true"})
    assert attachment["Content-Disposition"].startswith("attachment")
    ranged = student.get(f"/api/v1/media/{media.pk}/download", HTTP_RANGE="bytes=0-3")
    assert (ranged.status_code, body(ranged), ranged["Content-Range"]) == (
        206,
        PDF_BYTES[:4],
        f"bytes 0-3/{len(PDF_BYTES)}",
    )
    assert_error(student.delete(f"/api/v1/media/{media.pk}"), 403, "PERMISSION_DENIED")


def test_files_are_served_by_session_and_api_key_too(acme, acme_admin, acme_student, handout):
    _, media = handout
    _, raw = issue(acme, acme_admin, scopes=["courses:read"])

    by_session = browser_for(acme, acme_student).get(f"/api/v1/media/{media.pk}/download")
    by_key = key_client("acme", raw).get(f"/api/v1/media/{media.pk}/download")

    assert (by_session.status_code, body(by_session)) == (200, PDF_BYTES)
    assert (by_key.status_code, body(by_key)) == (200, PDF_BYTES)
    assert client_for("acme").get(f"/api/v1/media/{media.pk}/download").status_code == 401


def test_files_of_other_branches_and_drafts_answer_404(acme, acme_teacher, handout):
    item, media = handout
    south_student = api(acme, person(acme, "south-student"))

    for path in (f"/api/v1/media/{media.pk}", f"/api/v1/media/{media.pk}/download"):
        assert_error(south_student.get(path), 404, "NOT_FOUND")
    assert_error(south_student.get(f"/api/v1/content/{item.pk}/media"), 404, "NOT_FOUND")
    with in_org(acme):
        services.course_unpublish(actor=acme_teacher, course=item.course)
    assert_error(
        api(acme, person(acme, "student")).get(f"/api/v1/media/{media.pk}/download"), 404, "NOT_FOUND"
    )
    assert api(acme, acme_teacher).get(f"/api/v1/media/{media.pk}/download").status_code == 200


def test_acme_media_never_loads_on_globex_host(acme, globex, acme_student, globex_admin, handout):
    item, media = handout
    acme_token = jwt_for(acme, acme_student)

    for path in (
        f"/api/v1/media/{media.pk}/download",
        f"/api/v1/media/{media.pk}",
        f"/api/v1/content/{item.pk}/media",
    ):
        assert client_for("globex", token=acme_token).get(path).status_code == 401
        assert_error(api(globex, globex_admin).get(path), 404, "NOT_FOUND")
    session = browser_for(acme, acme_student).cookies["sessionid"].value
    intruder = client_for("globex")
    intruder.cookies["sessionid"] = session
    assert intruder.get(f"/api/v1/media/{media.pk}/download").status_code in (401, 403)


def test_a_file_no_version_uses_is_deleted_a_used_one_is_kept(acme, acme_teacher, lesson, handout):
    _, used = handout
    with in_org(acme):
        spare = services.media_upload(
            actor=acme_teacher, course=lesson.course, upload=upload("x.pdf", PDF_BYTES)
        )
    teacher = api(acme, acme_teacher)

    assert teacher.delete(f"/api/v1/media/{spare.pk}").status_code == 204
    assert_error(teacher.delete(f"/api/v1/media/{used.pk}"), 409, "CONFLICT")
    with in_org(acme):
        assert list(MediaFile.objects.values_list("pk", flat=True)) == [used.pk]


def test_upload_past_the_plans_storage_answers_plan_limit_reached(acme, acme_teacher, lesson):
    from tenants import services as tenant_services
    from tenants.models import Plan

    plan = Plan.objects.create(code="tiny", name="Tiny", max_storage_mb=1)
    tenant_services.subscription_change_plan(organization=acme, plan=plan)
    client = api(acme, acme_teacher)
    assert_ok(
        client.post(
            f"/api/v1/content/{lesson.pk}/media",
            {"file": upload("a.txt", b"a" * 700_000)},
            format="multipart",
        ),
        201,
    )

    response = client.post(
        f"/api/v1/content/{lesson.pk}/media", {"file": upload("b.txt", b"b" * 700_000)}, format="multipart"
    )

    assert assert_error(response, 403, "PLAN_LIMIT_REACHED")["details"]["limit"] == "max_storage_mb"


def test_with_object_storage_a_permitted_download_is_a_signed_redirect(
    acme, acme_teacher, acme_student, handout, settings, monkeypatch
):
    """MEDIA_STORAGE=s3: after the permission check the viewer is sent to the storage's signed URL (the
    storage's url() is replaced by a recorder here: no bucket on this machine); anyone else gets the same 404
    as before and never a URL."""
    from django.core.files.storage import FileSystemStorage

    _, media = handout
    signed = []

    def url(self, name, parameters=None, expire=None, http_method=None):
        signed.append((name, parameters))
        return f"https://bucket.example.com/{name}?X-Amz-Signature=abc"

    monkeypatch.setattr(FileSystemStorage, "url", url)
    settings.MEDIA_STORAGE = "s3"

    allowed = api(acme, acme_student).get(f"/api/v1/media/{media.pk}/download")
    refused = api(acme, person(acme, "south-student")).get(f"/api/v1/media/{media.pk}/download")

    assert allowed.status_code == 302
    assert allowed["Location"].startswith(f"https://bucket.example.com/{media.file.name}?")
    assert allowed["Cache-Control"] == "private, no-store"
    assert signed == [
        (
            media.file.name,
            {
                "ResponseContentType": "application/pdf",
                "ResponseContentDisposition": "inline; filename*=UTF-8''handout.pdf",
            },
        )
    ]
    assert_error(refused, 404, "NOT_FOUND")
    assert len(signed) == 1
