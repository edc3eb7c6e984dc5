"""/api/v1/badges, /api/v1/badge-awards and /api/v1/users/{id}/badges: CRUD with nested criteria, earners,
progress, manual awards and revocations by role, a learner's own view, and flat query counts."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from model_bakery import baker
from PIL import Image

from apps.badges.baker_recipes import make_award, make_badge
from apps.badges.models import BadgeProgress
from apps.hierarchy.models import Branch
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import browser_for, client_for, in_org, jwt_for, person

pytestmark = pytest.mark.django_db


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.fixture
def course(acme, acme_teacher):
    with in_org(acme):
        course = baker.make_recipe("courses.course", owner=acme_teacher, title="Algebra Foundations")
        course.branches.set([Branch.objects.get(code="north")])
        return course


def png(size=(200, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_a_teacher_creates_a_course_badge_with_nested_criteria(acme, acme_teacher, course):
    response = api(acme, acme_teacher).post(
        "/api/v1/badges",
        {
            "name": "Algebra Foundations",
            "description": "Completed the course.",
            "course_id": course.pk,
            "criteria": [{"kind": "course", "course_id": course.pk}],
            "tags": ["algebra"],
            "alignment": [{"targetName": "Algebra", "targetUrl": "https://example.org/algebra"}],
            "expiry": "days",
            "expires_after_days": 365,
        },
        format="json",
    )
    data = assert_ok(response, 201)
    assert (data["name"], data["status"], data["course_id"], data["viewer_manages"]) == (
        "Algebra Foundations",
        "draft",
        course.pk,
        True,
    )
    assert [(c["kind"], c["course_id"]) for c in data["criteria"]] == [("course", course.pk)]
    assert data["tags"] == ["algebra"]
    assert data["expires_after_days"] == 365
    image = browser_for(acme, acme_teacher).get(data["image_url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (400, 400)

    changed = api(acme, acme_teacher).patch(
        f"/api/v1/badges/{data['id']}", {"status": "active"}, format="json"
    )
    assert assert_ok(changed)["status"] == "active"


def test_an_uploaded_image_must_be_a_png_of_bounded_size(acme, acme_admin):
    client = api(acme, acme_admin)
    ok = client.post(
        "/api/v1/badges",
        {"name": "Pictured", "description": "x", "image": SimpleUploadedFile("b.png", png(), "image/png")},
        format="multipart",
    )
    assert assert_ok(ok, 201)["image_source"] == "upload"
    tiny = client.post(
        "/api/v1/badges",
        {
            "name": "Tiny",
            "description": "x",
            "image": SimpleUploadedFile("b.png", png((10, 10)), "image/png"),
        },
        format="multipart",
    )
    assert "image" in assert_error(tiny, 400, "VALIDATION_ERROR")["details"]
    jpeg = io.BytesIO()
    Image.new("RGB", (200, 200)).save(jpeg, format="JPEG")
    refused = client.post(
        "/api/v1/badges",
        {
            "name": "Jpeg",
            "description": "x",
            "image": SimpleUploadedFile("b.jpg", jpeg.getvalue(), "image/jpeg"),
        },
        format="multipart",
    )
    assert "image" in assert_error(refused, 400, "VALIDATION_ERROR")["details"]


def test_who_may_manage_which_badge(acme, acme_teacher, acme_student, course):
    with in_org(acme):
        org_badge = make_badge(name="Org badge")
        course_badge = make_badge(name="Course badge", course=course)
        south_teacher = person(acme, "south-teacher")
    teacher = api(acme, acme_teacher)
    assert_error(
        teacher.patch(f"/api/v1/badges/{org_badge.pk}", {"name": "x"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    assert (
        assert_ok(teacher.patch(f"/api/v1/badges/{course_badge.pk}", {"name": "Renamed"}, format="json"))[
            "name"
        ]
        == "Renamed"
    )
    assert_error(api(acme, south_teacher).get(f"/api/v1/badges/{course_badge.pk}"), 404, "NOT_FOUND")
    assert_error(
        api(acme, acme_student).post("/api/v1/badges", {"name": "x", "description": "x"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    assert_error(
        teacher.post("/api/v1/badges", {"name": "Org", "description": "x"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )


def test_learners_see_only_active_badges(acme, acme_student):
    with in_org(acme):
        make_badge(name="Active one")
        make_badge(name="Draft one", status="draft")
    names = [b["name"] for b in assert_ok(api(acme, acme_student).get("/api/v1/badges"))]
    assert names == ["Active one"]


def test_manual_award_and_revoke_through_the_api(acme, acme_teacher, acme_student):
    with in_org(acme):
        badge = make_badge(name="Helpful classmate")
        south_student = person(acme, "south-student")
    teacher = api(acme, acme_teacher)
    award = assert_ok(
        teacher.post(
            f"/api/v1/badges/{badge.pk}/award",
            {"user_id": acme_student.pk, "note": "Helped the class", "evidence_url": "https://example.org/e"},
            format="json",
        ),
        201,
    )
    assert (award["user"]["id"], award["source"], award["status"], award["note"]) == (
        acme_student.pk,
        "manual",
        "active",
        "Helped the class",
    )
    assert award["assertion_url"].endswith(f"/ob/v2/assertions/{award['uid']}")
    assert_error(
        teacher.post(f"/api/v1/badges/{badge.pk}/award", {"user_id": acme_student.pk}, format="json"),
        409,
        "CONFLICT",
    )
    refused = teacher.post(f"/api/v1/badges/{badge.pk}/award", {"user_id": south_student.pk}, format="json")
    assert "user_id" in assert_error(refused, 400, "VALIDATION_ERROR")["details"]

    earners = assert_ok(teacher.get(f"/api/v1/badges/{badge.pk}/awards"))
    assert [e["id"] for e in earners] == [award["id"]]
    assert_error(api(acme, acme_student).get(f"/api/v1/badges/{badge.pk}/awards"), 403, "PERMISSION_DENIED")

    assert_error(
        teacher.post(f"/api/v1/badge-awards/{award['id']}/revoke", {}, format="json"), 400, "VALIDATION_ERROR"
    )
    revoked = assert_ok(
        teacher.post(f"/api/v1/badge-awards/{award['id']}/revoke", {"reason": "Wrong learner"}, format="json")
    )
    assert (revoked["status"], revoked["revocation_reason"]) == ("revoked", "Wrong learner")
    mine = assert_ok(api(acme, acme_student).get(f"/api/v1/badge-awards/{award['id']}"))
    assert mine["status"] == "revoked"


def test_users_badges_a_learner_reads_their_own_staff_in_scope(acme, acme_teacher, acme_student):
    with in_org(acme):
        south_student = person(acme, "south-student")
        mine = make_award(badge=make_badge(name="Mine"), user=acme_student)
        make_award(badge=make_badge(name="Theirs"), user=south_student)
    assert [
        a["id"] for a in assert_ok(api(acme, acme_student).get(f"/api/v1/users/{acme_student.pk}/badges"))
    ] == [mine.pk]
    assert_error(api(acme, acme_student).get(f"/api/v1/users/{south_student.pk}/badges"), 404, "NOT_FOUND")
    assert [
        a["id"] for a in assert_ok(api(acme, acme_teacher).get(f"/api/v1/users/{acme_student.pk}/badges"))
    ] == [mine.pk]
    assert_error(api(acme, acme_teacher).get(f"/api/v1/users/{south_student.pk}/badges"), 404, "NOT_FOUND")


def test_progress_staff_see_their_learners_a_learner_their_own(acme, acme_teacher, acme_student, course):
    with in_org(acme):
        south_student = person(acme, "south-student")
        badge = make_badge(name="Progress", criteria=[{"kind": "courses", "count": 4}])
        BadgeProgress.objects.create(badge=badge, user=acme_student, percent=25, state={})
        BadgeProgress.objects.create(badge=badge, user=south_student, percent=50, state={})
    staff = assert_ok(api(acme, acme_teacher).get(f"/api/v1/badges/{badge.pk}/progress"))
    assert [(row["user"]["id"], row["percent"]) for row in staff] == [(acme_student.pk, 25)]
    own = assert_ok(api(acme, south_student).get(f"/api/v1/badges/{badge.pk}/progress"))
    assert [(row["user"]["id"], row["percent"]) for row in own] == [(south_student.pk, 50)]


def test_globex_cannot_reach_acmes_badges(acme, globex, globex_admin):
    with in_org(acme):
        badge = make_badge(name="Acme only")
        award = make_award(badge=badge)
    client = api(globex, globex_admin)
    assert_error(client.get(f"/api/v1/badges/{badge.pk}"), 404, "NOT_FOUND")
    assert_error(client.get(f"/api/v1/badge-awards/{award.pk}"), 404, "NOT_FOUND")


def _count(client, path) -> int:
    assert_ok(client.get(path))  # warm: the host and the caller's scope are cached after a first request
    with CaptureQueriesContext(connection) as queries:
        assert_ok(client.get(path))
    return len(queries)


@pytest.mark.parametrize("role", ["org_admin", "student"])
def test_list_endpoints_run_few_queries_flat_in_size(acme, acme_admin, acme_student, course, role):
    viewer = acme_admin if role == "org_admin" else acme_student
    client = api(acme, viewer)
    with in_org(acme):
        first = make_badge(name="First", criteria=[{"kind": "course", "course": course}])
        make_award(badge=first, user=acme_student)
        BadgeProgress.objects.create(badge=first, user=acme_student, percent=10)
    paths = [
        "/api/v1/badges",
        f"/api/v1/users/{acme_student.pk}/badges",
        f"/api/v1/badges/{first.pk}/progress",
    ]
    if role == "org_admin":
        paths.append(f"/api/v1/badges/{first.pk}/awards")
    small = {path: _count(client, path) for path in paths}
    with in_org(acme):
        for n in range(6):
            other = make_badge(
                name=f"More {n}", criteria=[{"kind": "course", "course": course}, {"kind": "manual"}]
            )
            make_award(badge=other, user=acme_student)
            student = baker.make_recipe("accounts.student")
            make_award(badge=first, user=student)
            BadgeProgress.objects.create(badge=first, user=student, percent=n)
    large = {path: _count(client, path) for path in paths}
    assert large == small
    # beyond the search path and the token's user (every endpoint's): at most 5
    assert max(large.values()) <= 7, large
