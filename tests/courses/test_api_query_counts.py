"""The courses API's lists run the same few queries for 5 rows as for 50: the page and its total in one
query, the courses' tags, branches, co-teachers and prerequisites in one more, never a query per row.

Counted on a warm client (the organization and the rate-limit window are looked up once and cached); the
counts include django-tenants' `SET search_path`, the caller's user and their roles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import RoleAssignment, User
from apps.courses.models import ContentItem, ContentVersion, Course, Enrollment, Module
from apps.hierarchy.models import SchoolClass
from tests.api.helpers import assert_ok
from tests.conftest import client_for, in_org, jwt_for

from .test_selectors_query_counts import add_courses

# search_path, the caller, their roles, the page with its total, the courses' lists.
COURSE_LIST = 5
# search_path, the caller, their roles, the person or the course looked up (bare), the page with its total.
ENROLLMENT_LIST = 5
# search_path, the caller, their roles, the page, its courses' lists.
CONTENT_LIST = 5


def count(client, path, expected_rows: int) -> int:
    client.get(path)  # warm: the organization and the throttle are looked up and cached once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert len(assert_ok(response)) == expected_rows
    assert len(captured) > 0
    return len(captured)


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.mark.parametrize("who", ["student", "teacher", "admin"])
def test_course_list_queries_do_not_grow_with_rows(acme, acme_admin, acme_teacher, acme_student, who):
    client = api(acme, {"student": acme_student, "teacher": acme_teacher, "admin": acme_admin}[who])
    path = "/api/v1/courses?search=Bulk&per_page=100"
    add_courses(acme, acme_teacher, acme_student, 0, 5)
    few = count(client, path, 5)

    add_courses(acme, acme_teacher, acme_student, 5, 50)
    many = count(client, path, 50)

    assert few == many <= COURSE_LIST


def test_course_list_lists_match_the_courses(acme, acme_teacher, acme_student):
    """The lists read in one query land on the right course, in the models' order."""
    add_courses(acme, acme_teacher, acme_student, 0, 3)
    with in_org(acme):
        first, second = Course.objects.filter(title__startswith="Bulk").order_by("title")[:2]
        second.prerequisites.set([first])
    rows = assert_ok(api(acme, acme_teacher).get("/api/v1/courses?search=Bulk&sort=title"))

    assert [row["tags"] for row in rows] == [["bulk", "tag-0"], ["bulk", "tag-1"], ["bulk", "tag-2"]]
    assert [row["prerequisites"] for row in rows] == [[], [first.pk], []]
    assert [[b["code"] for b in row["branches"]] for row in rows] == [["north"]] * 3
    assert [[p["id"] for p in row["co_teachers"]] for row in rows] == [[acme_teacher.pk]] * 3
    assert all(row["can_edit"] for row in rows)


def test_past_the_last_page_keeps_the_total(acme, acme_teacher, acme_student):
    add_courses(acme, acme_teacher, acme_student, 0, 3)
    response = api(acme, acme_student).get("/api/v1/courses?search=Bulk&per_page=2&page=5")

    assert assert_ok(response) == []
    assert response.json()["meta"]["total"] == 3


def add_learners(acme, course_id: int, start: int, stop: int) -> None:
    """Students of Algebra 1 (teacher@'s class), each enrolled in the course."""
    with in_org(acme):
        algebra = SchoolClass.objects.get(name="Algebra 1")
        for n in range(start, stop):
            person = User.objects.create_user(f"bulk-{n:02d}@acme.example.com", full_name=f"Bulk {n}")
            RoleAssignment.objects.create(
                user=person, role="student", branch_id=algebra.branch_id, school_class=algebra
            )
            Enrollment.objects.create(course_id=course_id, user=person, total_items=1)


@pytest.mark.parametrize("who", ["teacher", "admin"])
def test_course_enrollment_list_queries_do_not_grow_with_rows(
    acme, acme_admin, acme_teacher, acme_student, who
):
    client = api(acme, {"teacher": acme_teacher, "admin": acme_admin}[who])
    add_courses(acme, acme_teacher, acme_student, 0, 1)
    with in_org(acme):
        course_id = Course.objects.get(title="Bulk course 00").pk
    path = f"/api/v1/courses/{course_id}/enrollments?per_page=100"
    add_learners(acme, course_id, 0, 4)
    few = count(client, path, 5)  # and student@

    add_learners(acme, course_id, 4, 49)
    many = count(client, path, 50)

    assert few == many <= ENROLLMENT_LIST


@pytest.mark.parametrize("who", ["student", "admin"])
def test_user_enrollment_list_queries_do_not_grow_with_rows(
    acme, acme_admin, acme_teacher, acme_student, who
):
    client = api(acme, {"student": acme_student, "admin": acme_admin}[who])
    path = f"/api/v1/users/{acme_student.pk}/enrollments?per_page=100"
    add_courses(acme, acme_teacher, acme_student, 0, 5)
    few = count(client, path, 5)

    add_courses(acme, acme_teacher, acme_student, 5, 50)
    many = count(client, path, 50)

    assert few == many <= ENROLLMENT_LIST


def add_lessons(acme, course_id: int, start: int, stop: int) -> None:
    with in_org(acme):
        module = Module.objects.filter(course_id=course_id).first()
        for n in range(start, stop):
            item = ContentItem.objects.create(
                module=module, course_id=course_id, kind="text", title=f"Lesson {n}", position=n + 1
            )
            version = ContentVersion.objects.create(item=item, number=1, title=f"Lesson {n}", body="x")
            ContentItem.objects.filter(pk=item.pk).update(latest_version=version, published_version=version)


@pytest.mark.parametrize("who", ["student", "teacher", "admin"])
def test_content_list_queries_do_not_grow_with_rows(acme, acme_admin, acme_teacher, acme_student, who):
    client = api(acme, {"student": acme_student, "teacher": acme_teacher, "admin": acme_admin}[who])
    add_courses(acme, acme_teacher, acme_student, 0, 2)
    with in_org(acme):
        course_id = Course.objects.get(title="Bulk course 00").pk
    path = f"/api/v1/content?filter[course]={course_id}&per_page=100"
    add_lessons(acme, course_id, 0, 4)
    few = count(client, path, 5)

    add_lessons(acme, course_id, 4, 49)
    many = count(client, path, 50)

    assert few == many <= CONTENT_LIST
