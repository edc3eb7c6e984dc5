"""A client generated from `/api/v1/schema/` with openapi-python-client, as a mobile or integration team
would make it, works unmodified: the generator has nothing to warn about, every module of the client
imports, and a student's and a teacher's journeys (an upload and a download included) run through it against the real app (in-process, over
WSGI), each answer parsed by the generated models with nothing left undocumented.

The org host's client is generated once for this module (about 10 s); the platform host's is checked for
warnings and imports only.
"""

import datetime
import importlib
import io
import pkgutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import attrs
import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from tests.conftest import PASSWORD, client_for, host_of, in_org
from tests.courses.conftest import PDF_BYTES, build_course

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def generate_client(schema: bytes, workdir: Path, package: str):
    """Run the generator as a team would (no post-hooks: formatting is not what is tested) and import the
    package it wrote. Fails on any warning the generator prints."""
    (workdir / "schema.json").write_bytes(schema)
    (workdir / "config.yaml").write_text("post_hooks: []\n")
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(workdir / "schema.json"),
            "--output-path",
            str(workdir / package),
            "--meta",
            "none",
            "--config",
            str(workdir / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(workdir))
    try:
        root = importlib.import_module(package)
        failures = {}
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            try:
                importlib.import_module(module.name)
            except Exception as exc:  # every failure is listed, not just the first
                failures[module.name] = f"{type(exc).__name__}: {exc}"
    finally:
        sys.path.remove(str(workdir))
    assert failures == {}
    return root


def schema_of(host: str | None) -> bytes:
    response = client_for(host).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.content


@pytest.fixture(scope="module")
def api(tmp_path_factory, django_db_setup, django_db_blocker):
    """The generated client package for the org host (acme's schema)."""
    with django_db_blocker.unblock():
        schema = schema_of("acme")
    return generate_client(schema, tmp_path_factory.mktemp("acme_client"), "learnstack_org_client")


@contextmanager
def wsgi_transport():
    """The app itself as the client's transport. As Django's test client does, the request signals do not
    close the connection, so requests run inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield httpx.WSGITransport(app=get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def transport(db):
    with wsgi_transport() as transport:
        yield transport


BASE_URL = f"http://{host_of('acme')}"


def anonymous(api, transport):
    return api.Client(base_url=BASE_URL, raise_on_unexpected_status=True, httpx_args={"transport": transport})


def signed_in(api, transport, email: str):
    """Sign in through the generated client, and return a client that sends the access token."""
    from learnstack_org_client.api.auth import auth_login_create
    from learnstack_org_client.models import LoginRequest, TokenPair

    answer = auth_login_create.sync(
        client=anonymous(api, transport), body=LoginRequest(email=email, password=PASSWORD)
    )
    assert_documented(answer)
    assert answer.success is True
    assert isinstance(answer.data, TokenPair)
    assert answer.data.user.email == email
    return api.AuthenticatedClient(
        base_url=BASE_URL,
        token=answer.data.access,
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )


def assert_documented(model, path: str = "answer") -> None:
    """Every key of every object the server sent is a documented field (the generator keeps unknown keys
    in `additional_properties`); a missing required field already failed in `from_dict`."""
    if isinstance(model, list):
        for index, item in enumerate(model):
            assert_documented(item, f"{path}[{index}]")
        return
    if not attrs.has(type(model)):
        return
    assert model.additional_properties == {}, f"{path} has undocumented keys"
    for field in attrs.fields(type(model)):
        if field.name != "additional_properties":
            assert_documented(getattr(model, field.name), f"{path}.{field.name}")


def ok(answer, model_type):
    """A success envelope whose `data` parsed into `model_type`; returns `data`."""
    assert_documented(answer)
    assert answer.success is True, answer
    assert answer.error is None
    if isinstance(answer.data, list):
        assert all(isinstance(item, model_type) for item in answer.data)
    else:
        assert isinstance(answer.data, model_type), type(answer.data)
    return answer.data


@pytest.fixture
def open_course(acme, acme_teacher):
    """A published, self-enrollable course of acme's north branch: 2 modules x 2 text lessons."""
    return build_course(
        acme, owner=acme_teacher, title="Algebra Basics", modules=2, items_per_module=2, self_enrollment=True
    )


def test_a_student_signs_in_browses_the_catalog_enrolls_and_records_progress(api, transport, open_course):
    from learnstack_org_client.api.content import courses_content_list
    from learnstack_org_client.api.courses import courses_list
    from learnstack_org_client.api.enrollments import courses_enrollments_create, users_enrollments_list
    from learnstack_org_client.api.progress import content_progress_retrieve, content_progress_update
    from learnstack_org_client.models import (
        Course,
        CourseStatusEnum,
        Enrollment,
        EnrollmentCreateRequest,
        EnrollmentSourceEnum,
        EnrollmentStatusEnum,
        Meta,
        MyItemProgress,
        OutlineModule,
        ProgressWriteRequest,
    )

    student = signed_in(api, transport, "student@acme.example.com")

    catalog = courses_list.sync(client=student, catalog=True, per_page=5)
    courses = ok(catalog, Course)
    assert [course.title for course in courses] == ["Algebra Basics"]
    assert courses[0].status is CourseStatusEnum.PUBLISHED
    assert courses[0].my_enrollment is None
    assert courses[0].category is None
    assert isinstance(catalog.meta, Meta)
    assert (catalog.meta.page, catalog.meta.per_page, catalog.meta.total) == (1, 5, 1)
    assert catalog.meta.links.next_ is None

    enrolled = courses_enrollments_create.sync(
        open_course.pk, client=student, body=EnrollmentCreateRequest(self_=True)
    )
    enrollment = ok(enrolled, Enrollment)
    assert enrollment.status is EnrollmentStatusEnum.ACTIVE
    assert enrollment.source is EnrollmentSourceEnum.SELF
    assert enrolled.meta is None

    outline = ok(courses_content_list.sync(open_course.pk, client=student), OutlineModule)
    assert [module.title for module in outline] == ["Module 1", "Module 2"]
    first_lesson = outline[0].items[0]
    assert first_lesson.title == "Lesson 1.1"
    assert first_lesson.my_progress is None

    recorded = content_progress_update.sync(
        first_lesson.id,
        client=student,
        body=ProgressWriteRequest(completed=True, time_spent_seconds=90),
    )
    progress = ok(recorded, MyItemProgress)
    assert (progress.completed, progress.time_spent_seconds) == (True, 90)
    assert isinstance(progress.completed_at, datetime.datetime)

    read = ok(content_progress_retrieve.sync(first_lesson.id, client=student), MyItemProgress)
    assert (read.item, read.completed, read.time_spent_seconds) == (first_lesson.id, True, 90)
    assert read.enrollment.progress_percent == 25

    mine = ok(users_enrollments_list.sync(enrollment.user.id, client=student), Enrollment)
    assert [(e.course.title, e.progress_percent) for e in mine] == [("Algebra Basics", 25)]


def test_a_teacher_creates_a_course_with_a_module_and_a_lesson_then_clears_a_field(
    api, transport, acme, acme_teacher
):
    from learnstack_org_client.api.content import courses_content_create
    from learnstack_org_client.api.courses import courses_create, courses_partial_update
    from learnstack_org_client.api.media import courses_media_create, media_download_retrieve
    from learnstack_org_client.api.modules import courses_modules_create
    from learnstack_org_client.models import (
        BodyFormatEnum,
        Content,
        ContentKindEnum,
        Course,
        CourseContentCreateRequest,
        CourseStatusEnum,
        CourseWriteRequest,
        Media,
        MediaUploadRequest,
        Module,
        ModuleWriteRequest,
        PatchedCourseWriteRequest,
    )
    from learnstack_org_client.types import UNSET, File

    from apps.courses.models import Course as CourseModel

    teacher = signed_in(api, transport, "teacher@acme.example.com")

    created = courses_create.sync(
        client=teacher,
        body=CourseWriteRequest(title="Geometry", summary="Angles and shapes.", estimated_minutes=90),
    )
    course = ok(created, Course)
    assert (course.title, course.status, course.estimated_minutes) == ("Geometry", CourseStatusEnum.DRAFT, 90)
    assert (course.owner.id, course.owner.full_name) == (acme_teacher.pk, "Teacher")
    assert [branch.code for branch in course.branches] == ["north"]

    module = ok(
        courses_modules_create.sync(course.id, client=teacher, body=ModuleWriteRequest(title="Angles")),
        Module,
    )
    assert (module.course, module.title, module.position) == (course.id, "Angles", 0)

    lesson = ok(
        courses_content_create.sync(
            course.id,
            client=teacher,
            body=CourseContentCreateRequest(
                title="Right angles",
                kind=ContentKindEnum.TEXT,
                body="# Right angles\n\n90 degrees.",
                module=module.id,
            ),
        ),
        Content,
    )
    assert (lesson.title, lesson.kind, lesson.body_format) == (
        "Right angles",
        ContentKindEnum.TEXT,
        BodyFormatEnum.MARKDOWN,
    )
    assert "<h1>Right angles</h1>" in lesson.body_html

    handout = ok(
        courses_media_create.sync(
            course.id,
            client=teacher,
            body=MediaUploadRequest(
                file=File(payload=io.BytesIO(PDF_BYTES), file_name="handout.pdf", mime_type="application/pdf")
            ),
        ),
        Media,
    )
    assert (handout.name, handout.content_type, handout.size) == (
        "handout.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    downloaded = media_download_retrieve.sync(handout.id, client=teacher)
    assert isinstance(downloaded, File)
    assert downloaded.payload.read() == PDF_BYTES

    cleared = ok(
        courses_partial_update.sync(
            course.id, client=teacher, body=PatchedCourseWriteRequest(estimated_minutes=None)
        ),
        Course,
    )
    assert cleared.estimated_minutes is None
    assert cleared.summary == "Angles and shapes."  # left out of the PATCH, so kept
    assert PatchedCourseWriteRequest(estimated_minutes=None).to_dict() == {"estimated_minutes": None}
    assert PatchedCourseWriteRequest().cover is UNSET
    with in_org(acme):
        stored = CourseModel.objects.get(pk=course.id)
        assert (stored.estimated_minutes, stored.summary, stored.modules.count()) == (
            None,
            "Angles and shapes.",
            1,
        )


def test_errors_parse_as_the_error_envelope(api, transport, acme):
    from learnstack_org_client.api.auth import auth_login_create
    from learnstack_org_client.api.courses import courses_retrieve
    from learnstack_org_client.models import ErrorEnvelope, LoginRequest

    refused = auth_login_create.sync(
        client=anonymous(api, transport),
        body=LoginRequest(email="student@acme.example.com", password="wrong"),
    )
    student = signed_in(api, transport, "student@acme.example.com")
    missing = courses_retrieve.sync(999_999_999, client=student)

    for answer, code in ((refused, "AUTHENTICATION_FAILED"), (missing, "NOT_FOUND")):
        assert isinstance(answer, ErrorEnvelope)
        assert_documented(answer)
        assert (answer.success, answer.data, answer.meta, answer.error.code) == (False, None, None, code)


def test_the_platform_hosts_schema_generates_a_client_without_warnings(tmp_path, db):
    package = generate_client(schema_of(None), tmp_path, "learnstack_platform_client")

    assert hasattr(package, "AuthenticatedClient")
