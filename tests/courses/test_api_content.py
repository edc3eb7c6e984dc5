"""/api/v1/courses/{id}/content, /content, /modules and /content/{id}/versions: the outline as each viewer sees
it, building a course through the API, versions (list, save, publish, revert, diff) and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses import services
from apps.courses.models import ContentItem, ContentVersion, Course, Module
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, in_org, jwt_for, person

from .conftest import build_course

pytestmark = pytest.mark.django_db


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def outline_titles(data) -> list[tuple[str, list[str]]]:
    return [(module["title"], [item["title"] for item in module["items"]]) for module in data]


def _lessons(acme, course) -> list[ContentItem]:
    with in_org(acme):
        return list(ContentItem.objects.filter(course=course).order_by("module__position", "position"))


# --- the outline --------------------------------------------------------------------------------------------


def test_learners_see_published_lessons_editors_the_latest_versions(
    acme, acme_teacher, acme_student, acme_course
):
    first, second, third, _ = _lessons(acme, acme_course)
    with in_org(acme):
        services.content_update(actor=acme_teacher, item=first, title="Lesson 1.1 (draft edit)")
        services.content_unpublish(actor=acme_teacher, item=second)
        module = Module.objects.get(course=acme_course, position=0)
        services.content_create(actor=acme_teacher, module=module, kind="text", title="Brand new", body="x")
    path = f"/api/v1/courses/{acme_course.pk}/content"

    as_student = assert_ok(api(acme, acme_student).get(path))
    as_teacher = assert_ok(api(acme, acme_teacher).get(path))
    preview = assert_ok(api(acme, acme_teacher).get(path, {"as_learner": "true"}))

    assert outline_titles(as_student) == [
        ("Module 1", ["Lesson 1.1"]),
        ("Module 2", ["Lesson 2.1", "Lesson 2.2"]),
    ]
    assert outline_titles(preview) == outline_titles(as_student)
    assert outline_titles(as_teacher) == [
        ("Module 1", ["Lesson 1.1 (draft edit)", "Lesson 1.2", "Brand new"]),
        ("Module 2", ["Lesson 2.1", "Lesson 2.2"]),
    ]
    edited = as_teacher[0]["items"][0]
    assert (edited["version"], edited["latest_version"], edited["published_version"]) == (2, 2, 1)
    assert as_teacher[0]["items"][1]["published_version"] is None
    learner_item = as_student[0]["items"][0]
    assert (learner_item["version"], learner_item["latest_version"], learner_item["published_version"]) == (
        1,
        None,
        None,
    )
    assert learner_item["body_html"].startswith("<h1>Lesson 1.1</h1>")
    assert learner_item["my_progress"] is None
    assert third.pk == as_student[1]["items"][0]["id"]


def test_the_outline_shows_the_callers_own_progress(acme, acme_student, acme_course):
    first = _lessons(acme, acme_course)[0]
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.progress_record(actor=acme_student, item=first, completed=True, time_spent_seconds=40)

    data = assert_ok(api(acme, acme_student).get(f"/api/v1/courses/{acme_course.pk}/content"))

    progress = data[0]["items"][0]["my_progress"]
    assert (progress["completed"], progress["time_spent_seconds"]) == (True, 40)
    assert data[0]["items"][1]["my_progress"] is None


def test_the_outline_costs_the_same_queries_for_5_or_50_lessons(acme, acme_teacher, acme_student):
    small = build_course(acme, owner=acme_teacher, title="Small", modules=5, items_per_module=1)
    large = build_course(acme, owner=acme_teacher, title="Large", modules=10, items_per_module=5)
    for course in (small, large):
        with in_org(acme):
            services.enroll_self(actor=acme_student, course=course)
            for item in ContentItem.objects.filter(course=course)[:3]:
                services.progress_record(actor=acme_student, item=item, completed=True)

    for user in (acme_student, acme_teacher):
        client = api(acme, user)
        client.get(f"/api/v1/courses/{small.pk}/content")  # warm up

        counts = []
        for course in (small, large):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/api/v1/courses/{course.pk}/content")
            counts.append(len(queries))
            assert sum(len(module["items"]) for module in assert_ok(response)) == (
                5 if course is small else 50
            )

        assert counts[0] == counts[1], user


# --- building a course through the API ----------------------------------------------------------------------


def test_a_teacher_builds_a_course_with_modules_and_lessons_of_each_kind(acme, acme_teacher):
    client = api(acme, acme_teacher)
    course = assert_ok(client.post("/api/v1/courses", {"title": "Built by API"}, format="json"), 201)
    modules = f"/api/v1/courses/{course['id']}/modules"

    intro = assert_ok(client.post(modules, {"title": "Intro"}, format="json"), 201)
    second = assert_ok(client.post(modules, {"title": "Second", "description": "More"}, format="json"), 201)
    text = assert_ok(
        client.post(
            f"/api/v1/courses/{course['id']}/content",
            {"module": intro["id"], "kind": "text", "title": "Welcome", "body": "Hello <script>x</script>"},
            format="json",
        ),
        201,
    )
    video = assert_ok(
        client.post(
            "/api/v1/content",
            {
                "module": intro["id"],
                "kind": "video",
                "title": "Watch",
                "video_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "duration_seconds": 212,
            },
            format="json",
        ),
        201,
    )
    link = assert_ok(
        client.post(
            f"/api/v1/courses/{course['id']}/content",
            {"kind": "link", "title": "Read more", "url": "https://example.org/fractions"},
            format="json",
        ),
        201,
    )

    assert (text["kind"], text["version"], text["latest_version"], text["published_version"]) == (
        "text",
        1,
        1,
        None,
    )
    assert "<script>" not in text["body_html"]
    assert video["embed_url"].startswith("https://www.youtube")
    assert link["module"] == second["id"]  # no module named: the course's last one
    assert [m["title"] for m in assert_ok(client.get(modules))] == ["Intro", "Second"]
    published = assert_ok(client.post(f"/api/v1/courses/{course['id']}/publish", {}, format="json"))
    assert published["item_count"] == 3


def test_invalid_lessons_answer_400_with_field_details(acme, acme_teacher, acme_course):
    client = api(acme, acme_teacher)
    module_id = _lessons(acme, acme_course)[0].module_id
    other = build_course(acme, owner=acme_teacher, title="Other")
    with in_org(acme):
        foreign_module = Module.objects.filter(course=other).first().pk
    path = f"/api/v1/courses/{acme_course.pk}/content"

    def details(body, url=path):
        return assert_error(client.post(url, body, format="json"), 400, "VALIDATION_ERROR")["details"]

    assert set(details({"module": module_id, "kind": "podcast", "title": "x"})) == {"kind"}
    assert set(details({"module": module_id, "kind": "text"})) == {"title"}
    assert set(
        details({"module": module_id, "kind": "link", "title": "x", "url": "javascript:alert(1)"})
    ) == {"url"}
    assert set(
        details({"module": module_id, "kind": "video", "title": "x", "video_url": "https://evil.example/v"})
    ) == {"video_url"}
    assert set(details({"module": module_id, "kind": "file", "title": "x"})) == {"media"}
    assert details({"module": foreign_module, "kind": "text", "title": "x"}) == {
        "module": ["No such module in this course."]
    }
    assert set(details({"module": 99999999, "kind": "text", "title": "x"}, "/api/v1/content")) == {"module"}


def test_lessons_are_read_updated_unpublished_and_deleted(acme, acme_teacher, acme_student, acme_course):
    first, second, *_ = _lessons(acme, acme_course)
    teacher, student = api(acme, acme_teacher), api(acme, acme_student)

    updated = assert_ok(
        teacher.patch(
            f"/api/v1/content/{first.pk}", {"title": "Renamed", "note": "Better title"}, format="json"
        )
    )
    assert (updated["title"], updated["latest_version"], updated["published_version"]) == ("Renamed", 2, 1)
    learner_view = assert_ok(student.get(f"/api/v1/content/{first.pk}"))
    assert (learner_view["title"], learner_view["version"], learner_view["latest_version"]) == (
        "Lesson 1.1",
        1,
        None,
    )
    put = teacher.put(f"/api/v1/content/{first.pk}", {"body": "no title"}, format="json")
    assert set(assert_error(put, 400, "VALIDATION_ERROR")["details"]) == {"title"}
    kind = teacher.patch(f"/api/v1/content/{first.pk}", {"kind": "video"}, format="json")
    assert set(assert_error(kind, 400, "VALIDATION_ERROR")["details"]) == {"kind"}
    assert_error(
        student.patch(f"/api/v1/content/{first.pk}", {"title": "x"}, format="json"), 403, "PERMISSION_DENIED"
    )

    hidden = assert_ok(teacher.post(f"/api/v1/content/{second.pk}/unpublish"))
    assert (hidden["is_published"], hidden["published_version"]) == (False, None)
    assert_error(student.get(f"/api/v1/content/{second.pk}"), 404, "NOT_FOUND")

    assert teacher.delete(f"/api/v1/content/{second.pk}").status_code == 204
    with in_org(acme):
        assert not ContentItem.objects.filter(pk=second.pk).exists()


def test_a_lesson_with_learner_progress_is_kept(acme, acme_teacher, acme_student, acme_course):
    first = _lessons(acme, acme_course)[0]
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.progress_record(actor=acme_student, item=first, completed=True)

    assert_error(api(acme, acme_teacher).delete(f"/api/v1/content/{first.pk}"), 409, "CONFLICT")


def test_content_lists_filter_by_course_module_and_kind(acme, acme_teacher, acme_student, acme_course):
    other = build_course(acme, owner=acme_teacher, title="Other", modules=1, items_per_module=1)
    module_id = _lessons(acme, acme_course)[0].module_id
    client = api(acme, acme_student)

    by_course = assert_ok(client.get("/api/v1/content", {"filter[course]": acme_course.pk}))
    by_module = assert_ok(client.get("/api/v1/content", {"filter[module]": module_id}))
    by_kind = assert_ok(client.get("/api/v1/content", {"filter[kind]": "video"}))

    assert [item["title"] for item in by_course] == ["Lesson 1.1", "Lesson 1.2", "Lesson 2.1", "Lesson 2.2"]
    assert [item["title"] for item in by_module] == ["Lesson 1.1", "Lesson 1.2"]
    assert by_kind == []
    assert other.pk in {item["course"] for item in assert_ok(client.get("/api/v1/content"))}
    assert_error(client.get("/api/v1/content", {"filter[kind]": "podcast"}), 400, "INVALID_FILTER")


# --- modules and order --------------------------------------------------------------------------------------


def test_modules_are_updated_reordered_and_deleted(acme, acme_teacher, acme_student):
    course = build_course(acme, owner=acme_teacher, title="Ordered", modules=3, items_per_module=2)
    teacher = api(acme, acme_teacher)
    with in_org(acme):
        m1, m2, m3 = Module.objects.filter(course=course).order_by("position")

    renamed = assert_ok(teacher.patch(f"/api/v1/modules/{m1.pk}", {"title": "First"}, format="json"))
    assert (renamed["title"], renamed["item_count"]) == ("First", 2)
    reordered = assert_ok(
        teacher.put(
            f"/api/v1/courses/{course.pk}/modules/order", {"order": [m3.pk, m1.pk, m2.pk]}, format="json"
        )
    )
    assert [m["id"] for m in reordered] == [m3.pk, m1.pk, m2.pk]
    assert [m["position"] for m in reordered] == [0, 1, 2]
    incomplete = teacher.put(f"/api/v1/courses/{course.pk}/modules/order", {"order": [m3.pk]}, format="json")
    assert set(assert_error(incomplete, 400, "VALIDATION_ERROR")["details"]) == {"order"}
    assert_error(
        api(acme, acme_student).put(
            f"/api/v1/courses/{course.pk}/modules/order", {"order": [m1.pk, m2.pk, m3.pk]}, format="json"
        ),
        403,
        "PERMISSION_DENIED",
    )

    assert teacher.delete(f"/api/v1/modules/{m2.pk}").status_code == 204
    assert [m["title"] for m in assert_ok(teacher.get(f"/api/v1/courses/{course.pk}/modules"))] == [
        "Module 3",
        "First",
    ]


def test_lessons_are_reordered_and_moved_between_modules(acme, acme_teacher):
    course = build_course(acme, owner=acme_teacher, title="Ordered", modules=2, items_per_module=2)
    teacher = api(acme, acme_teacher)
    with in_org(acme):
        m1, m2 = Module.objects.filter(course=course).order_by("position")
        a, b = ContentItem.objects.filter(module=m1).order_by("position")
        c, _ = ContentItem.objects.filter(module=m2).order_by("position")

    items = assert_ok(
        teacher.put(f"/api/v1/modules/{m1.pk}/items/order", {"order": [c.pk, b.pk, a.pk]}, format="json")
    )

    assert [(item["id"], item["position"], item["module"]) for item in items] == [
        (c.pk, 0, m1.pk),
        (b.pk, 1, m1.pk),
        (a.pk, 2, m1.pk),
    ]
    moved = assert_ok(
        teacher.patch(f"/api/v1/content/{a.pk}", {"module": m2.pk, "position": 0}, format="json")
    )
    assert (moved["module"], moved["position"]) == (m2.pk, 0)


def test_learners_see_only_modules_with_published_lessons(acme, acme_teacher, acme_student, acme_course):
    with in_org(acme):
        empty = services.module_create(actor=acme_teacher, course=acme_course, title="Coming soon")
    student = api(acme, acme_student)

    titles = [m["title"] for m in assert_ok(student.get(f"/api/v1/courses/{acme_course.pk}/modules"))]

    assert titles == ["Module 1", "Module 2"]
    assert_error(student.get(f"/api/v1/modules/{empty.pk}"), 404, "NOT_FOUND")
    assert assert_ok(api(acme, acme_teacher).get(f"/api/v1/modules/{empty.pk}"))["item_count"] == 0


# --- versions -----------------------------------------------------------------------------------------------


def test_editors_list_save_publish_revert_and_diff_versions(acme, acme_teacher, acme_student, acme_course):
    item = _lessons(acme, acme_course)[0]
    teacher = api(acme, acme_teacher)
    versions = f"/api/v1/content/{item.pk}/versions"

    saved = assert_ok(
        teacher.post(versions, {"body": "# Lesson 1.1\n\nMore *text*.", "note": "Expanded"}, format="json"),
        201,
    )
    assert (saved["number"], saved["is_latest"], saved["is_published"], saved["note"]) == (
        2,
        True,
        False,
        "Expanded",
    )
    assert saved["author"] == {"id": acme_teacher.pk, "full_name": "Teacher"}
    listed = assert_ok(teacher.get(versions))
    assert [(v["number"], v["is_published"]) for v in listed] == [(2, False), (1, True)]
    assert assert_ok(teacher.get(f"{versions}/1"))["title"] == "Lesson 1.1"

    diff = assert_ok(teacher.get(f"{versions}/2/diff"))
    assert (diff["version"], diff["against"]) == (2, 1)
    assert [change["field"] for change in diff["changes"]] == ["body"]
    assert "+More *text*." in diff["changes"][0]["lines"]
    first = assert_ok(teacher.get(f"{versions}/1/diff"))
    assert first["against"] is None
    assert {change["field"] for change in first["changes"]} >= {"title", "body"}
    assert assert_ok(teacher.get(f"{versions}/1/diff", {"against": 2}))["changes"][0]["new"].startswith(
        "# Lesson"
    )
    assert_error(teacher.get(f"{versions}/1/diff", {"against": 9}), 400, "VALIDATION_ERROR")

    published = assert_ok(teacher.post(f"{versions}/2/publish"))
    assert published["is_published"] is True
    assert "More" in assert_ok(api(acme, acme_student).get(f"/api/v1/content/{item.pk}"))["body_html"]

    reverted = assert_ok(teacher.post(f"{versions}/1/revert", {"publish": True}, format="json"), 201)
    assert (reverted["number"], reverted["is_published"], reverted["note"]) == (
        3,
        True,
        "Reverted to version 1",
    )
    with in_org(acme):
        item.refresh_from_db()
        assert item.published_version.number == 3
        assert ContentVersion.objects.filter(item=item).count() == 3
    assert_error(teacher.get(f"{versions}/9"), 404, "NOT_FOUND")


def test_versions_are_for_editors_only(
    acme, acme_teacher, acme_manager, acme_student, acme_admin, acme_course
):
    item = _lessons(acme, acme_course)[0]
    south = build_course(acme, owner=person(acme, "south-teacher"), title="South")
    south_item = _lessons(acme, south)[0]

    assert_ok(api(acme, acme_manager).get(f"/api/v1/content/{item.pk}/versions"))  # manages north
    assert_ok(api(acme, acme_admin).get(f"/api/v1/content/{item.pk}/versions"))
    for user, status, code in (
        (acme_student, 403, "PERMISSION_DENIED"),
        (person(acme, "south-teacher"), 404, "NOT_FOUND"),
    ):
        client = api(acme, user)
        assert_error(client.get(f"/api/v1/content/{item.pk}/versions"), status, code)
        assert_error(client.get(f"/api/v1/content/{item.pk}/versions/1"), status, code)
        assert_error(client.get(f"/api/v1/content/{item.pk}/versions/1/diff"), status, code)
        assert_error(
            client.post(f"/api/v1/content/{item.pk}/versions", {"title": "x"}, format="json"), status, code
        )
    # A teacher who sees a published course of their branch but does not teach it may not read its versions.
    with in_org(acme):
        course = Course.objects.create(
            title="Org course", slug="org-course", status="published", owner=acme_admin
        )
        module = Module.objects.create(course=course, title="M")
    with in_org(acme):
        lesson = services.content_create(actor=acme_admin, module=module, kind="text", title="Hello")
        services.course_publish(actor=acme_admin, course=course)
    assert_error(
        api(acme, acme_teacher).get(f"/api/v1/content/{lesson.pk}/versions"), 403, "PERMISSION_DENIED"
    )
    assert_error(api(acme, acme_teacher).get(f"/api/v1/content/{south_item.pk}/versions"), 404, "NOT_FOUND")
