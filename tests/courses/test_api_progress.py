"""Progress through the API: a learner completes a course lesson by lesson (the completion event fires once),
idempotent writes, per-learner rows, analytics, a person's progress, and the `enrollments` API-key scope."""

import pytest

from apps.courses import services
from apps.courses.models import ContentItem, Enrollment
from apps.events.models import Event
from tests.api.helpers import assert_error, assert_ok
from tests.apikeys.conftest import issue, key_client
from tests.conftest import client_for, in_org, jwt_for, person

from .conftest import build_course

pytestmark = pytest.mark.django_db


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def lessons(acme, course) -> list[int]:
    with in_org(acme):
        return list(
            ContentItem.objects.filter(course=course)
            .order_by("module__position", "position")
            .values_list("pk", flat=True)
        )


def test_a_learner_completes_a_course_through_the_api_and_it_completes_once(
    acme, acme_student, acme_course, django_capture_on_commit_callbacks
):
    client = api(acme, acme_student)
    assert_ok(client.post(f"/api/v1/courses/{acme_course.pk}/enrollments", {}, format="json"), 201)
    items = lessons(acme, acme_course)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            assert_ok(
                client.put(
                    f"/api/v1/content/{item}/progress",
                    {"completed": True, "time_spent_seconds": 60, "position_seconds": 0},
                    format="json",
                )
            )
            for item in items
        ]
        again = assert_ok(
            client.put(f"/api/v1/content/{items[-1]}/progress", {"completed": True}, format="json")
        )

    assert [answer["enrollment"]["progress_percent"] for answer in answers] == [25, 50, 75, 100]
    assert answers[-1]["enrollment"]["status"] == "completed"
    assert answers[-1]["completed"] is True
    assert again["enrollment"] == answers[-1]["enrollment"]
    with in_org(acme):
        enrollment = Enrollment.objects.get(course=acme_course, user=acme_student)
        assert (enrollment.status, enrollment.progress_percent, enrollment.completed_items) == (
            "completed",
            100,
            4,
        )
        events = Event.objects.filter(name="course.completed")
        assert events.count() == 1
        assert events.get().payload["enrollment_id"] == enrollment.pk
    mine = assert_ok(client.get(f"/api/v1/users/{acme_student.pk}/enrollments"))
    assert [(row["status"], row["progress_percent"]) for row in mine] == [("completed", 100)]


def test_progress_writes_are_idempotent_and_keep_the_largest_time(acme, acme_student, acme_course):
    client = api(acme, acme_student)
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
    item = lessons(acme, acme_course)[0]
    path = f"/api/v1/content/{item}/progress"

    before = assert_ok(client.get(path))
    assert (before["started"], before["completed"], before["time_spent_seconds"]) == (False, False, 0)
    assert before["enrollment"]["status"] == "active"
    assert_ok(client.put(path, {"time_spent_seconds": 120, "position_seconds": 95}, format="json"))
    same = assert_ok(client.post(path, {"time_spent_seconds": 90, "position_seconds": 95}, format="json"))

    assert (same["started"], same["completed"], same["time_spent_seconds"], same["position_seconds"]) == (
        True,
        False,
        120,
        95,
    )
    assert assert_ok(client.get(path))["time_spent_seconds"] == 120
    details = assert_error(
        client.put(path, {"time_spent_seconds": -5, "completed": "soon"}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    assert set(details["details"]) == {"time_spent_seconds", "completed"}


def test_progress_needs_an_enrollment_and_a_visible_published_lesson(
    acme, acme_student, acme_teacher, acme_course
):
    client = api(acme, acme_student)
    item = lessons(acme, acme_course)[0]

    assert_error(
        client.put(f"/api/v1/content/{item}/progress", {"completed": True}, format="json"),
        409,
        "INVALID_STATE",
    )
    assert assert_ok(client.get(f"/api/v1/content/{item}/progress"))["enrollment"] is None
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.content_unpublish(actor=acme_teacher, item=ContentItem.objects.get(pk=item))
    assert_error(
        client.put(f"/api/v1/content/{item}/progress", {"completed": True}, format="json"), 404, "NOT_FOUND"
    )
    south = build_course(acme, owner=person(acme, "south-teacher"), title="South")
    south_item = lessons(acme, south)[0]
    assert_error(client.put(f"/api/v1/content/{south_item}/progress", {}, format="json"), 404, "NOT_FOUND")


def test_course_progress_rows_per_learner_and_analytics(acme, acme_admin, acme_teacher, acme_student):
    course = build_course(acme, owner=acme_admin, title="Everyone", modules=1, items_per_module=2)
    south_student = person(acme, "south-student")
    first, second = lessons(acme, course)
    with in_org(acme):
        services.enroll_assign(actor=acme_admin, course=course, users=[acme_student.pk, south_student.pk])
        for item in (first, second):
            services.progress_record(
                actor=acme_student,
                item=ContentItem.objects.get(pk=item),
                completed=True,
                time_spent_seconds=30,
            )
        services.progress_record(
            actor=south_student, item=ContentItem.objects.get(pk=first), time_spent_seconds=5
        )
    path = f"/api/v1/courses/{course.pk}/progress"

    rows = assert_ok(api(acme, acme_admin).get(path, {"sort": "-progress_percent"}))
    assert [
        (
            r["user"]["email"],
            r["status"],
            r["progress_percent"],
            r["completed_items"],
            r["total_items"],
            r["time_spent_seconds"],
        )
        for r in rows
    ] == [
        ("student@acme.example.com", "completed", 100, 2, 2, 60),
        ("south-student@acme.example.com", "active", 0, 0, 2, 5),
    ]
    assert rows[0]["completed_at"] is not None
    assert [r["user"]["email"] for r in assert_ok(api(acme, acme_teacher).get(path))] == [
        "student@acme.example.com"
    ]
    assert [r["user"]["email"] for r in assert_ok(api(acme, south_student).get(path))] == [
        "south-student@acme.example.com"
    ]

    analytics = assert_ok(api(acme, acme_admin).get(f"/api/v1/courses/{course.pk}/analytics"))
    assert {key: analytics[key] for key in ("enrolled", "active", "completed", "withdrawn")} == {
        "enrolled": 2,
        "active": 1,
        "completed": 1,
        "withdrawn": 0,
    }
    assert (analytics["completion_rate"], analytics["average_progress"], analytics["time_spent_seconds"]) == (
        0.5,
        50.0,
        65,
    )
    assert sorted((b["name"], b["enrolled"], b["completed"]) for b in analytics["by_branch"]) == [
        ("North Campus", 1, 1),
        ("South Campus", 1, 0),
    ]
    assert sorted((c["name"], c["enrolled"]) for c in analytics["by_class"]) == [
        ("Algebra 1", 1),
        ("Biology 1", 1),
    ]
    teacher_view = assert_ok(api(acme, acme_teacher).get(f"/api/v1/courses/{course.pk}/analytics"))
    assert (teacher_view["enrolled"], teacher_view["completed"]) == (1, 1)
    assert_error(
        api(acme, acme_student).get(f"/api/v1/courses/{course.pk}/analytics"), 403, "PERMISSION_DENIED"
    )


def test_a_persons_lesson_progress_is_scoped_like_the_person(acme, acme_teacher, acme_student, acme_course):
    items = lessons(acme, acme_course)
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.progress_record(
            actor=acme_student, item=ContentItem.objects.get(pk=items[0]), completed=True
        )
        services.progress_record(
            actor=acme_student, item=ContentItem.objects.get(pk=items[1]), time_spent_seconds=9
        )
    path = f"/api/v1/users/{acme_student.pk}/progress"

    rows = assert_ok(api(acme, acme_teacher).get(path))
    done = assert_ok(api(acme, acme_student).get(path, {"completed": "true"}))

    assert [(r["item"]["id"], r["completed"]) for r in rows] == [(items[0], True), (items[1], False)]
    assert [r["item"]["id"] for r in done] == [items[0]]
    assert rows[1]["time_spent_seconds"] == 9
    assert_error(api(acme, person(acme, "south-teacher")).get(path), 404, "NOT_FOUND")
    assert_error(api(acme, acme_student).get(f"/api/v1/users/{acme_teacher.pk}/progress"), 404, "NOT_FOUND")


def test_progress_through_an_api_key_needs_the_enrollments_scope(acme, acme_admin, acme_course):
    item = lessons(acme, acme_course)[0]
    _, courses_only = issue(acme, acme_admin, scopes=["courses:write"])
    _, reader = issue(acme, acme_admin, scopes=["enrollments:read"], name="Reader")

    refused = key_client("acme", courses_only).get(f"/api/v1/content/{item}/progress")
    write = key_client("acme", reader).put(
        f"/api/v1/content/{item}/progress", {"completed": True}, format="json"
    )

    assert assert_error(refused, 403, "PERMISSION_DENIED")["details"]["required_scope"] == "enrollments:read"
    assert assert_error(write, 403, "PERMISSION_DENIED")["details"]["required_scope"] == "enrollments:write"
    assert assert_ok(key_client("acme", reader).get(f"/api/v1/content/{item}/progress"))["item"] == item
    listed = key_client("acme", reader).get(f"/api/v1/courses/{acme_course.pk}/enrollments")
    assert assert_ok(listed) == []
