"""The organization's navigation marks the section a page belongs to: authoring pages (the course editor,
the lesson editor, the teaching list, managing enrollments, categories) are Teaching, not Catalog."""

import re

import pytest
from django_tenants.utils import schema_context

from tests.conftest import person

pytestmark = pytest.mark.django_db


def current_entries(response) -> list[str]:
    """Labels of the navigation links marked as the current page."""
    nav = re.search(r'<nav aria-label="Main"[^>]*>.*?</nav>', response.content.decode(), re.S).group(0)
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', nav)


@pytest.fixture
def course(acme):
    from apps.courses import services

    with schema_context("acme"):
        teacher = person(acme, "teacher")
        course = services.course_create(actor=teacher, title="Navigation 101")
        module = services.module_create(actor=teacher, course=course, title="Start")
        lesson = services.content_create(actor=teacher, module=module, kind="text", title="First", body="Hi")
        return course, lesson


def test_authoring_pages_are_teaching_not_catalog(teacher, course):
    course, lesson = course
    pages = [
        "/courses/teaching/",
        "/courses/new/",
        f"/courses/{course.pk}/edit/",
        f"/courses/{course.pk}/content/{lesson.pk}/edit/",
        f"/courses/{course.pk}/enrollments/",
    ]
    for url in pages:
        response = teacher.get(url)
        assert response.status_code == 200, url
        assert current_entries(response) == ["Teaching"], url


def test_categories_are_teaching_for_an_org_admin(admin):
    response = admin.get("/courses/categories/")
    assert response.status_code == 200
    assert current_entries(response) == ["Teaching"]


def test_learner_pages_keep_their_own_entry(teacher, course):
    course, _ = course
    assert current_entries(teacher.get("/courses/")) == ["Catalog"]
    assert current_entries(teacher.get(f"/courses/{course.pk}/")) == ["Catalog"]
    assert current_entries(teacher.get("/learning/")) == ["My learning"]


def test_management_pages_fall_back_to_their_path(admin):
    assert current_entries(admin.get("/manage/api-keys/")) == ["API keys"]
    assert current_entries(admin.get("/manage/people/")) == ["People"]
