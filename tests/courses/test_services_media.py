"""Uploads are checked by size and by what their bytes are (never their name), stored under the org's own
prefix, and count against the plan's storage; courses count against the plan's course limit."""

import pytest
from django.test import override_settings

from apps.core.errors import PlanLimitReached, ValidationFailed
from apps.courses import services
from apps.courses.models import Course, MediaFile
from tenants import services as tenant_services
from tenants.models import Plan
from tests.conftest import in_org

from .conftest import ELF_BYTES, MP4_BYTES, PDF_BYTES, PE_BYTES, PNG_BYTES, build_course, upload

SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
HTML_BYTES = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(acme, teacher, course, name, data):
    with in_org(acme):
        return services.media_upload(actor=teacher, course=course, upload=upload(name, data))


def _refusal(acme, teacher, course, name, data) -> str:
    with pytest.raises(ValidationFailed) as error:
        _upload(acme, teacher, course, name, data)
    with in_org(acme):
        assert not MediaFile.objects.filter(course=course).exists()
    return " ".join(error.value.details["file"])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("handout.pdf", ELF_BYTES),
        ("lecture.mp4", ELF_BYTES),
        ("handout.pdf", PE_BYTES),
        ("setup.exe", PE_BYTES),
        ("notes.txt", b"#!/bin/sh\nrm -rf /\n"),
        ("lecture.mp4", b"\xca\xfe\xba\xbe" + b"\x00" * 64),
    ],
)
def test_programs_are_refused_whatever_their_name(acme, acme_teacher, acme_course, name, data):
    assert _refusal(acme, acme_teacher, acme_course, name, data) == "Programs and scripts cannot be uploaded."


def test_a_file_whose_extension_lies_is_refused(acme, acme_teacher, acme_course):
    message = _refusal(acme, acme_teacher, acme_course, "handout.pdf", PNG_BYTES)

    assert "says .pdf but its contents are image/png" in message


def test_a_pdf_named_as_a_video_is_refused(acme, acme_teacher, acme_course):
    message = _refusal(acme, acme_teacher, acme_course, "lecture.mp4", PDF_BYTES)

    assert "contents are application/pdf" in message


@override_settings(MEDIA_MAX_UPLOAD_MB=1)
def test_an_oversized_file_is_refused(acme, acme_teacher, acme_course):
    message = _refusal(acme, acme_teacher, acme_course, "big.pdf", PDF_BYTES + b"\n" * (1024 * 1024))

    assert message == "The file is 1.0 MB; files may be at most 1 MB."


def test_an_empty_file_is_refused(acme, acme_teacher, acme_course):
    assert _refusal(acme, acme_teacher, acme_course, "empty.pdf", b"") == "The file is empty."


@pytest.mark.parametrize("name", ["drawing.svg", "drawing.txt.svg"])
def test_svg_is_refused(acme, acme_teacher, acme_course, name):
    message = _refusal(acme, acme_teacher, acme_course, name, SVG_BYTES)

    assert "says .svg" in message


def test_html_is_refused(acme, acme_teacher, acme_course):
    message = _refusal(acme, acme_teacher, acme_course, "page.html", HTML_BYTES)

    assert "says .html" in message


def test_binary_junk_is_refused(acme, acme_teacher, acme_course):
    message = _refusal(acme, acme_teacher, acme_course, "data.txt", b"\x00\x01\x02garbage\xff" * 10)

    assert message.startswith("This kind of file is not accepted.")


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("notes.txt", "Fractions: ½ + ¼ = ¾\n".encode() * 10, "text/plain"),
        ("subtitles.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", "text/plain"),
        ("Diagram.PNG", PNG_BYTES, "image/png"),
        ("handout.pdf", PDF_BYTES, "application/pdf"),
        ("lecture.mp4", MP4_BYTES, "video/mp4"),
    ],
)
def test_accepted_files_are_stored_under_the_orgs_prefix(
    acme, acme_teacher, acme_course, name, data, content_type
):
    media = _upload(acme, acme_teacher, acme_course, name, data)

    with in_org(acme):
        media.refresh_from_db()
        assert media.file.name.startswith(f"{acme.schema_name}/media/")
        assert name not in media.file.name  # stored under a random name, never the uploader's
        assert media.file.read() == data
    assert (media.original_name, media.content_type, media.size) == (name, content_type, len(data))
    assert len(media.sha256) == 64


def test_a_file_lesson_needs_an_uploaded_file_of_its_course(acme, acme_teacher, acme_course):
    other = build_course(acme, owner=acme_teacher, title="Other", publish=False)
    foreign = _upload(acme, acme_teacher, other, "handout.pdf", PDF_BYTES)
    with in_org(acme), pytest.raises(ValidationFailed) as error:
        services.content_create(
            actor=acme_teacher,
            module=acme_course.modules.first(),
            kind="file",
            title="Handout",
            media=foreign,
        )

    assert error.value.details == {"media": ["No such file in this course."]}


def test_a_video_lesson_refuses_a_file_that_is_not_a_video(acme, acme_teacher, acme_course):
    pdf = _upload(acme, acme_teacher, acme_course, "handout.pdf", PDF_BYTES)
    with in_org(acme), pytest.raises(ValidationFailed) as error:
        services.content_create(
            actor=acme_teacher, module=acme_course.modules.first(), kind="video", title="Watch", media=pdf.pk
        )

    assert error.value.details == {"media": ["This file is not a video."]}


# --- plan limits ---------------------------------------------------------------------------------------------


def _plan(acme, **limits) -> Plan:
    plan = Plan.objects.create(code="tight", name="Tight", **limits)
    tenant_services.subscription_change_plan(organization=acme, plan=plan)
    return plan


def test_uploads_past_the_plans_storage_are_refused(acme, acme_teacher, acme_course):
    _plan(acme, max_storage_mb=2)
    half_mb = b"x" * (512 * 1024)
    _upload(acme, acme_teacher, acme_course, "one.txt", half_mb)
    _upload(acme, acme_teacher, acme_course, "two.txt", half_mb)
    _upload(acme, acme_teacher, acme_course, "three.txt", half_mb)

    with pytest.raises(PlanLimitReached) as error:
        _upload(acme, acme_teacher, acme_course, "four-and-a-bit.txt", half_mb + b"y" * 10)

    assert error.value.code == "PLAN_LIMIT_REACHED"
    assert error.value.details["limit"] == "max_storage_mb"
    assert error.value.details["maximum"] == 2
    with in_org(acme):
        assert MediaFile.objects.filter(course=acme_course).count() == 3
        assert services.storage_used_bytes() == 3 * 512 * 1024


def test_a_file_that_fits_the_remaining_storage_is_accepted(acme, acme_teacher, acme_course):
    _plan(acme, max_storage_mb=1)
    _upload(acme, acme_teacher, acme_course, "first.txt", b"x" * (600 * 1024))

    _upload(acme, acme_teacher, acme_course, "second.txt", b"x" * (400 * 1024))

    with pytest.raises(PlanLimitReached):
        _upload(acme, acme_teacher, acme_course, "third.txt", b"x" * (30 * 1024))


def test_courses_past_the_plans_limit_are_refused(acme, acme_teacher, acme_admin):
    with in_org(acme):
        existing = Course.objects.exclude(status="archived").count()
    _plan(acme, max_courses=existing + 1)
    with in_org(acme):
        services.course_create(actor=acme_teacher, title="The last one")

        with pytest.raises(PlanLimitReached) as error:
            services.course_create(actor=acme_teacher, title="One too many")

        assert not Course.objects.filter(title="One too many").exists()
    assert error.value.code == "PLAN_LIMIT_REACHED"
    assert error.value.details == {
        "limit": "max_courses",
        "maximum": existing + 1,
        "current": existing + 1,
        "plan": "tight",
    }


def test_archiving_a_course_frees_its_place_in_the_plan(acme, acme_teacher, acme_admin):
    with in_org(acme):
        existing = Course.objects.exclude(status="archived").count()
    _plan(acme, max_courses=existing + 1)
    with in_org(acme):
        last = services.course_create(actor=acme_teacher, title="The last one")
        services.course_archive(actor=acme_teacher, course=last)

        services.course_create(actor=acme_teacher, title="Now there is room")

        assert Course.objects.filter(title="Now there is room").exists()
