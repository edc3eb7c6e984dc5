"""/api/v1/categories and /api/v1/tags: read by everyone (counting only the courses they can see), changed by
Org Admins only."""

import pytest

from apps.courses.models import Category, Course, Tag
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, in_org, jwt_for

from .conftest import build_course

pytestmark = pytest.mark.django_db


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.fixture
def science(acme, acme_admin, acme_teacher):
    """A category and a tag on a published and a draft course of north."""
    with in_org(acme):
        category = Category.objects.create(name="Science", slug="science")
    build_course(acme, owner=acme_teacher, title="Cells", category=category.pk, tags=["biology"])
    build_course(
        acme, owner=acme_teacher, title="Draft", category=category.pk, tags=["biology"], publish=False
    )
    with in_org(acme):
        return category, Tag.objects.get(name="biology")


def test_everyone_reads_categories_and_tags_with_the_courses_they_can_see(
    acme, acme_admin, acme_teacher, acme_student, science
):
    category, tag = science

    assert [
        (c["name"], c["course_count"]) for c in assert_ok(api(acme, acme_admin).get("/api/v1/categories"))
    ] == [("Science", 2)]
    assert assert_ok(api(acme, acme_teacher).get(f"/api/v1/categories/{category.pk}"))["course_count"] == 2
    assert assert_ok(api(acme, acme_student).get(f"/api/v1/categories/{category.pk}"))["course_count"] == 1
    assert [
        (t["name"], t["course_count"]) for t in assert_ok(api(acme, acme_student).get("/api/v1/tags"))
    ] == [("biology", 1)]
    assert assert_ok(api(acme, acme_student).get(f"/api/v1/tags/{tag.pk}"))["name"] == "biology"
    assert_error(api(acme, acme_student).get("/api/v1/tags/99999999"), 404, "NOT_FOUND")


def test_org_admins_manage_categories(acme, acme_admin_client, acme_teacher, science):
    category, _ = science

    made = assert_ok(acme_admin_client.post("/api/v1/categories", {"name": "Languages"}, format="json"), 201)
    assert (made["slug"], made["course_count"]) == ("languages", 0)
    renamed = assert_ok(
        acme_admin_client.patch(
            f"/api/v1/categories/{category.pk}", {"description": "All sciences"}, format="json"
        )
    )
    assert (renamed["name"], renamed["description"]) == ("Science", "All sciences")
    clash = acme_admin_client.put(
        f"/api/v1/categories/{made['id']}", {"name": "Science", "slug": "science"}, format="json"
    )
    assert set(assert_error(clash, 400, "VALIDATION_ERROR")["details"]) == {"slug"}
    assert set(
        assert_error(
            acme_admin_client.post("/api/v1/categories", {}, format="json"), 400, "VALIDATION_ERROR"
        )["details"]
    ) == {"name"}

    assert acme_admin_client.delete(f"/api/v1/categories/{category.pk}").status_code == 204
    with in_org(acme):
        assert Course.objects.filter(title="Cells", category__isnull=True).exists()


def test_org_admins_rename_and_delete_tags(acme, acme_admin_client, acme_teacher, science):
    _, tag = science

    assert (
        assert_ok(acme_admin_client.put(f"/api/v1/tags/{tag.pk}", {"name": "Biology"}, format="json"))["name"]
        == "Biology"
    )
    teacher_sees = assert_ok(api(acme, acme_teacher).get("/api/v1/courses", {"tag": "Biology"}))
    assert {course["title"] for course in teacher_sees} == {"Cells", "Draft"}
    assert acme_admin_client.delete(f"/api/v1/tags/{tag.pk}").status_code == 204
    with in_org(acme):
        assert not Tag.objects.exists()


@pytest.mark.parametrize("role", ["manager", "teacher", "student"])
def test_other_roles_may_not_change_categories_or_tags(acme, role, science):
    from tests.conftest import person

    category, tag = science
    client = api(acme, person(acme, role))

    for response in (
        client.post("/api/v1/categories", {"name": "Mine"}, format="json"),
        client.put(f"/api/v1/categories/{category.pk}", {"name": "Mine"}, format="json"),
        client.delete(f"/api/v1/categories/{category.pk}"),
        client.patch(f"/api/v1/tags/{tag.pk}", {"name": "Mine"}, format="json"),
        client.delete(f"/api/v1/tags/{tag.pk}"),
    ):
        assert_error(response, 403, "PERMISSION_DENIED")
    with in_org(acme):
        assert (Category.objects.get().name, Tag.objects.get().name) == ("Science", "biology")
