"""/api/v1/courses: who sees which course, creating, editing, publishing, covers, plan limits, query counts,
API-key scopes and the OpenAPI document."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses import services
from apps.courses.models import Category, Course, Enrollment, Tag
from apps.hierarchy.models import Branch
from tenants import services as tenant_services
from tenants.models import Plan
from tests.api.helpers import assert_error, assert_ok
from tests.apikeys.conftest import issue, key_client
from tests.conftest import client_for, in_org, jwt_for, person

from .conftest import ELF_BYTES, PNG_BYTES, build_course, upload

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def titles(response) -> set[str]:
    return {course["title"] for course in assert_ok(response)}


@pytest.fixture
def landscape(acme, acme_admin, acme_teacher):
    """North: a published course and a draft (both teacher@'s); south: a published course of south-teacher@;
    and an organization-wide published course of the Org Admin."""
    return {
        "north": build_course(acme, owner=acme_teacher, title="North Algebra"),
        "draft": build_course(acme, owner=acme_teacher, title="North Draft", publish=False),
        "south": build_course(acme, owner=person(acme, "south-teacher"), title="South Biology"),
        "everyone": build_course(acme, owner=acme_admin, title="Welcome Course"),
    }


# --- who sees what ------------------------------------------------------------------------------------------


def test_each_role_lists_exactly_the_courses_it_may_see(
    acme, landscape, acme_admin, acme_manager, acme_teacher, acme_student
):
    everything = {"North Algebra", "North Draft", "South Biology", "Welcome Course"}

    assert titles(api(acme, acme_admin).get(COURSES)) == everything
    assert titles(api(acme, acme_manager).get(COURSES)) == {"North Algebra", "North Draft", "Welcome Course"}
    assert titles(api(acme, acme_teacher).get(COURSES)) == {"North Algebra", "North Draft", "Welcome Course"}
    assert titles(api(acme, acme_student).get(COURSES)) == {"North Algebra", "Welcome Course"}
    assert titles(api(acme, person(acme, "south-student")).get(COURSES)) == {
        "South Biology",
        "Welcome Course",
    }


def test_a_student_never_reaches_a_draft_or_another_branchs_course(acme, landscape, acme_student):
    client = api(acme, acme_student)

    for hidden in (landscape["draft"], landscape["south"]):
        for path in (
            f"{COURSES}/{hidden.pk}",
            f"{COURSES}/{hidden.pk}/content",
            f"{COURSES}/{hidden.pk}/modules",
            f"{COURSES}/{hidden.pk}/enrollments",
            f"{COURSES}/{hidden.pk}/progress",
            f"{COURSES}/{hidden.pk}/cover",
        ):
            assert_error(client.get(path), 404, "NOT_FOUND")
        assert_error(client.post(f"{COURSES}/{hidden.pk}/enrollments", {}, format="json"), 404, "NOT_FOUND")
        with in_org(acme):
            item_ids = list(hidden.items.values_list("pk", flat=True))
            module_ids = list(hidden.modules.values_list("pk", flat=True))
        for item_id in item_ids:
            assert_error(client.get(f"/api/v1/content/{item_id}"), 404, "NOT_FOUND")
            assert_error(client.get(f"/api/v1/content/{item_id}/media"), 404, "NOT_FOUND")
            assert_error(client.get(f"/api/v1/content/{item_id}/progress"), 404, "NOT_FOUND")
        for module_id in module_ids:
            assert_error(client.get(f"/api/v1/modules/{module_id}"), 404, "NOT_FOUND")
    listed = {item["course"] for item in assert_ok(client.get("/api/v1/content?per_page=100"))}
    assert listed == {landscape["north"].pk, landscape["everyone"].pk}


def test_an_enrolled_student_loses_a_course_taken_back_to_draft(
    acme, acme_student, acme_teacher, acme_course
):
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.course_unpublish(actor=acme_teacher, course=acme_course)

    response = api(acme, acme_student).get(f"{COURSES}/{acme_course.pk}")

    assert_error(response, 404, "NOT_FOUND")
    assert titles(api(acme, acme_student).get(COURSES)) == set()


def test_a_course_answers_with_its_documented_fields(acme, acme_admin, acme_teacher, acme_student):
    with in_org(acme):
        category = services.category_create(actor=acme_admin, name="Mathematics")
    course = build_course(
        acme,
        owner=acme_teacher,
        title="Fractions",
        summary="Halves and quarters",
        description="Learn *fractions*.",
        category=category.pk,
        tags=["maths", "Year 7"],
        estimated_minutes=90,
    )
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=course)

    as_teacher = assert_ok(api(acme, acme_teacher).get(f"{COURSES}/{course.pk}"))
    as_student = assert_ok(api(acme, acme_student).get(f"{COURSES}/{course.pk}"))

    with in_org(acme):
        north = Branch.objects.get(code="north")
    assert as_teacher == {
        "id": course.pk,
        "title": "Fractions",
        "slug": "fractions",
        "summary": "Halves and quarters",
        "description": "Learn *fractions*.",
        "description_html": as_teacher["description_html"],
        "category": {"id": category.pk, "name": "Mathematics", "slug": "mathematics"},
        "tags": ["maths", "Year 7"],
        "status": "published",
        "branches": [{"id": north.pk, "code": "north", "name": "North Campus"}],
        "prerequisites": [],
        "estimated_minutes": 90,
        "self_enrollment": True,
        "owner": {"id": acme_teacher.pk, "full_name": "Teacher"},
        "co_teachers": [],
        "cover_url": None,
        "module_count": 1,
        "item_count": 2,
        "enrollment_count": 1,
        "my_enrollment": None,
        "can_edit": True,
        "published_at": as_teacher["published_at"],
        "created_at": as_teacher["created_at"],
        "updated_at": as_teacher["updated_at"],
    }
    assert "<em>fractions</em>" in as_teacher["description_html"]
    assert as_teacher["published_at"] is not None
    assert as_student["can_edit"] is False
    assert as_student["my_enrollment"] == {"status": "active", "progress_percent": 0}


def test_the_catalog_searches_and_filters(acme, acme_admin, acme_teacher, acme_student):
    with in_org(acme):
        science = services.category_create(actor=acme_admin, name="Science")
    build_course(acme, owner=acme_teacher, title="Cells", category=science.pk, tags=["biology"])
    build_course(acme, owner=acme_teacher, title="Atoms", summary="Tiny things", tags=["chemistry"])
    build_course(acme, owner=acme_teacher, title="Unfinished", publish=False, tags=["biology"])
    build_course(acme, owner=person(acme, "south-teacher"), title="Plants", tags=["biology"])
    teacher = api(acme, acme_teacher)
    admin = api(acme, acme_admin)

    assert titles(teacher.get(COURSES, {"search": "tiny"})) == {"Atoms"}
    assert titles(teacher.get(COURSES, {"search": "BIOLOGY"})) == {"Cells", "Unfinished"}
    assert titles(teacher.get(COURSES, {"tag": "biology", "catalog": "true"})) == {"Cells"}
    assert titles(teacher.get(COURSES, {"category": "science"})) == {"Cells"}
    assert titles(teacher.get(COURSES, {"category": str(science.pk)})) == {"Cells"}
    assert titles(teacher.get(COURSES, {"status": "draft"})) == {"Unfinished"}
    assert titles(admin.get(COURSES, {"branch": "south"})) == {"Plants"}
    assert titles(admin.get(COURSES, {"filter[status]": "draft"})) == {"Unfinished"}
    assert titles(admin.get(COURSES, {"filter[title][ilike]": "ato"})) == {"Atoms"}
    ordered = assert_ok(admin.get(COURSES, {"sort": "-title", "fields": "id,title"}))
    assert [course["title"] for course in ordered] == ["Unfinished", "Plants", "Cells", "Atoms"]
    assert set(ordered[0]) == {"id", "title"}
    assert titles(api(acme, acme_student).get(COURSES, {"status": "draft"})) == set()

    assert_error(teacher.get(COURSES, {"status": "secret"}), 400, "VALIDATION_ERROR")
    assert_error(teacher.get(COURSES, {"catalog": "maybe"}), 400, "VALIDATION_ERROR")
    assert_error(teacher.get(COURSES, {"filter[owner.password]": "x"}), 400, "INVALID_FILTER")
    assert_error(teacher.get(COURSES, {"sort": "owner"}), 400, "INVALID_SORT")


def test_courses_sort_by_enrollment_count(acme, acme_admin, acme_student):
    popular = build_course(acme, owner=acme_admin, title="Popular")
    build_course(acme, owner=acme_admin, title="Quiet")
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=popular)

    ordered = assert_ok(api(acme, acme_admin).get(COURSES, {"sort": "-enrollment_count"}))

    assert [(c["title"], c["enrollment_count"]) for c in ordered] == [("Popular", 1), ("Quiet", 0)]


# --- writing ------------------------------------------------------------------------------------------------


def test_a_teacher_creates_a_draft_course_of_their_branch(acme, acme_teacher):
    response = api(acme, acme_teacher).post(
        COURSES,
        {"title": "Geometry", "summary": "Shapes", "tags": "shapes, angles", "estimated_minutes": 45},
        format="json",
    )

    course = assert_ok(response, 201)
    assert course["status"] == "draft"
    assert course["slug"] == "geometry"
    assert course["tags"] == ["angles", "shapes"]
    assert [branch["code"] for branch in course["branches"]] == ["north"]
    assert course["owner"]["id"] == acme_teacher.pk
    assert course["can_edit"] is True
    with in_org(acme):
        assert Course.objects.get(pk=course["id"]).title == "Geometry"


def test_an_org_admin_creates_an_organization_wide_course(acme, acme_admin, acme_student):
    course = assert_ok(api(acme, acme_admin).post(COURSES, {"title": "Safety"}, format="json"), 201)

    assert course["branches"] == []


def test_students_may_not_create_courses(acme, acme_student):
    response = api(acme, acme_student).post(COURSES, {"title": "Mine"}, format="json")

    assert_error(response, 403, "PERMISSION_DENIED")
    with in_org(acme):
        assert not Course.objects.filter(title="Mine").exists()


def test_invalid_courses_answer_400_with_field_details(acme, acme_teacher):
    client = api(acme, acme_teacher)
    with in_org(acme):
        south = Branch.objects.get(code="south")

    assert set(assert_error(client.post(COURSES, {}, format="json"), 400, "VALIDATION_ERROR")["details"]) == {
        "title"
    }
    details = assert_error(
        client.post(COURSES, {"title": "x", "branches": [south.pk]}, format="json"), 400, "VALIDATION_ERROR"
    )["details"]
    assert details == {"branches": ["No such branch."]}
    details = assert_error(
        client.post(COURSES, {"title": "x", "category": 99999999}, format="json"), 400, "VALIDATION_ERROR"
    )["details"]
    assert details == {"category": ["No such category."]}
    details = assert_error(
        client.post(COURSES, {"title": "x", "estimated_minutes": "soon", "tags": [1, 2]}, format="json"),
        400,
        "VALIDATION_ERROR",
    )["details"]
    assert set(details) == {"estimated_minutes", "tags"}


def test_the_owner_edits_others_are_refused(acme, acme_teacher, acme_manager, acme_admin, acme_student):
    course = build_course(acme, owner=acme_admin, title="Org-wide")
    own = build_course(acme, owner=acme_teacher, title="Mine")

    patched = assert_ok(
        api(acme, acme_teacher).patch(f"{COURSES}/{own.pk}", {"summary": "Updated"}, format="json")
    )
    assert patched["summary"] == "Updated"
    assert patched["title"] == "Mine"
    put = api(acme, acme_teacher).put(f"{COURSES}/{own.pk}", {"summary": "No title"}, format="json")
    assert assert_error(put, 400, "VALIDATION_ERROR")["details"] == {"title": ["This field is required."]}
    # The manager of north may edit north's courses, not the organization-wide one.
    assert_ok(api(acme, acme_manager).patch(f"{COURSES}/{own.pk}", {"summary": "By manager"}, format="json"))
    for user in (acme_manager, acme_teacher):
        response = api(acme, user).patch(f"{COURSES}/{course.pk}", {"title": "Hijacked"}, format="json")
        assert_error(response, 403, "PERMISSION_DENIED")
    assert_error(
        api(acme, acme_student).patch(f"{COURSES}/{own.pk}", {"title": "Hijacked"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    south_teacher = api(acme, person(acme, "south-teacher"))
    assert_error(south_teacher.patch(f"{COURSES}/{own.pk}", {"title": "x"}, format="json"), 404, "NOT_FOUND")
    with in_org(acme):
        assert Course.objects.get(pk=course.pk).title == "Org-wide"


def test_co_teachers_and_prerequisites_are_set_by_id(acme, acme_admin):
    first = build_course(acme, owner=acme_admin, title="Basics")
    course = build_course(acme, owner=acme_admin, title="Advanced")
    teacher = person(acme, "teacher")

    data = assert_ok(
        api(acme, acme_admin).patch(
            f"{COURSES}/{course.pk}",
            {"co_teachers": [teacher.pk], "prerequisites": [first.pk], "self_enrollment": False},
            format="json",
        )
    )

    assert data["co_teachers"] == [{"id": teacher.pk, "full_name": "Teacher"}]
    assert data["prerequisites"] == [first.pk]
    assert data["self_enrollment"] is False
    circle = api(acme, acme_admin).patch(
        f"{COURSES}/{first.pk}", {"prerequisites": [course.pk]}, format="json"
    )
    assert "prerequisites" in assert_error(circle, 400, "VALIDATION_ERROR")["details"]


def test_a_course_without_learners_is_deleted_one_with_learners_is_kept(acme, acme_teacher, acme_student):
    empty = build_course(acme, owner=acme_teacher, title="Empty")
    taken = build_course(acme, owner=acme_teacher, title="Taken")
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=taken)
    client = api(acme, acme_teacher)

    assert client.delete(f"{COURSES}/{empty.pk}").status_code == 204
    assert_error(client.delete(f"{COURSES}/{taken.pk}"), 409, "CONFLICT")
    assert_error(api(acme, acme_student).delete(f"{COURSES}/{taken.pk}"), 403, "PERMISSION_DENIED")
    with in_org(acme):
        assert list(Course.objects.values_list("title", flat=True)) == ["Taken"]


def test_publish_unpublish_and_archive(acme, acme_teacher, acme_student):
    course = build_course(acme, owner=acme_teacher, title="Lifecycle", publish=False)
    teacher, student = api(acme, acme_teacher), api(acme, acme_student)
    path = f"{COURSES}/{course.pk}"

    assert_error(student.get(path), 404, "NOT_FOUND")
    published = assert_ok(teacher.post(f"{path}/publish", {"content": "latest"}, format="json"))
    assert (published["status"], published["item_count"]) == ("published", 2)
    assert assert_ok(student.get(path))["status"] == "published"
    assert_error(student.post(f"{path}/unpublish"), 403, "PERMISSION_DENIED")

    assert assert_ok(teacher.post(f"{path}/unpublish"))["status"] == "draft"
    assert_error(student.get(path), 404, "NOT_FOUND")
    assert assert_ok(teacher.post(f"{path}/archive"))["status"] == "archived"
    details = assert_error(
        teacher.post(f"{path}/publish", {"content": "all"}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert set(details["details"]) == {"content"}


def test_an_empty_course_cannot_be_published(acme, acme_teacher):
    course = build_course(acme, owner=acme_teacher, title="Empty", modules=0, publish=False)

    response = api(acme, acme_teacher).post(f"{COURSES}/{course.pk}/publish", {}, format="json")

    assert_error(response, 409, "INVALID_STATE")


# --- covers -------------------------------------------------------------------------------------------------


def test_a_cover_is_uploaded_served_to_those_who_see_the_course_and_removed(
    acme, globex, acme_teacher, acme_student, globex_admin
):
    course = build_course(acme, owner=acme_teacher, title="Covered")
    path = f"{COURSES}/{course.pk}"

    data = assert_ok(
        api(acme, acme_teacher).patch(path, {"cover": upload("cover.png", PNG_BYTES)}, format="multipart")
    )

    assert data["cover_url"].startswith(f"http://acme.learnstack.test{path}/cover?v=")
    assert data["self_enrollment"] is True  # left out of the form: unchanged
    response = api(acme, acme_student).get(data["cover_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert api(acme, person(acme, "south-student")).get(f"{path}/cover").status_code == 404
    assert api(globex, globex_admin).get(f"{path}/cover").status_code == 404
    assert client_for("acme").get(f"{path}/cover").status_code == 401

    cleared = assert_ok(api(acme, acme_teacher).patch(path, {"cover": None}, format="json"))
    assert cleared["cover_url"] is None
    assert_error(api(acme, acme_student).get(f"{path}/cover"), 404, "NOT_FOUND")


def test_a_course_is_created_from_a_multipart_form_with_its_cover(acme, acme_teacher, acme_manager):
    form = {
        "title": "Poster",
        "tags": ["art", "design"],
        "self_enrollment": "false",
        "co_teachers": [acme_teacher.pk],
        "cover": upload("poster.png", PNG_BYTES),
    }

    course = assert_ok(api(acme, acme_manager).post(COURSES, form, format="multipart"), 201)

    assert (course["tags"], course["self_enrollment"]) == (["art", "design"], False)
    assert course["co_teachers"] == [{"id": acme_teacher.pk, "full_name": "Teacher"}]
    assert course["cover_url"] is not None
    assert b"".join(api(acme, acme_teacher).get(course["cover_url"]).streaming_content) == PNG_BYTES


def test_a_cover_that_is_not_an_image_is_refused(acme, acme_teacher):
    course = build_course(acme, owner=acme_teacher, title="Covered")

    response = api(acme, acme_teacher).patch(
        f"{COURSES}/{course.pk}", {"cover": upload("cover.png", ELF_BYTES)}, format="multipart"
    )

    assert assert_error(response, 400, "VALIDATION_ERROR")["details"] == {
        "cover": ["Programs and scripts cannot be uploaded."]
    }


# --- plan limits --------------------------------------------------------------------------------------------


def test_a_course_past_the_plans_limit_answers_plan_limit_reached(acme, acme_teacher):
    with in_org(acme):
        existing = Course.objects.exclude(status="archived").count()
    plan = Plan.objects.create(code="tight", name="Tight", max_courses=existing + 1)
    tenant_services.subscription_change_plan(organization=acme, plan=plan)
    client = api(acme, acme_teacher)

    assert_ok(client.post(COURSES, {"title": "The last one"}, format="json"), 201)
    error = assert_error(
        client.post(COURSES, {"title": "One too many"}, format="json"), 403, "PLAN_LIMIT_REACHED"
    )

    assert error["details"]["limit"] == "max_courses"
    with in_org(acme):
        assert not Course.objects.filter(title="One too many").exists()


# --- query counts -------------------------------------------------------------------------------------------


def _add_courses(acme, admin, student, count: int) -> None:
    """`count` published courses, each with a category, tags, a branch, a co-teacher, a prerequisite and the
    student's enrollment: everything the list shows."""
    with in_org(acme):
        north = Branch.objects.get(code="north")
        teacher = person(acme, "teacher")
        category, _ = Category.objects.get_or_create(slug="bulk", defaults={"name": "Bulk"})
        tags = [Tag.objects.get_or_create(name=name)[0] for name in ("one", "two")]
        first = Course.objects.order_by("pk").first()
        start = Course.objects.count()
        for n in range(start, start + count):
            course = Course.objects.create(
                title=f"Course {n:03d}",
                slug=f"course-{n}",
                status="published",
                owner=admin,
                category=category,
            )
            course.tags.set(tags)
            course.branches.set([north])
            course.co_teachers.set([teacher])
            if first is not None:
                course.prerequisites.set([first])
            Enrollment.objects.create(course=course, user=student, progress_percent=n % 100)


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries)


def test_listing_courses_costs_the_same_queries_for_5_or_50(acme, acme_admin, acme_student):
    client = api(acme, acme_student)
    path = f"{COURSES}?per_page=100"
    _add_courses(acme, acme_admin, acme_student, 5)
    _queries(client, path)  # warm up (tenant and plan lookups are cached)

    five = _queries(client, path)
    _add_courses(acme, acme_admin, acme_student, 45)
    fifty = _queries(client, path)

    assert len(assert_ok(client.get(path))) == 50
    assert fifty == five


# --- API keys and the OpenAPI document ----------------------------------------------------------------------


def test_an_api_key_with_courses_read_lists_but_cannot_write(acme, acme_admin, acme_course):
    _, raw = issue(acme, acme_admin, scopes=["courses:read"])
    client = key_client("acme", raw)

    assert acme_course.pk in {course["id"] for course in assert_ok(client.get(COURSES))}
    error = assert_error(client.post(COURSES, {"title": "By a key"}, format="json"), 403, "PERMISSION_DENIED")
    assert error["details"]["required_scope"] == "courses:write"
    error = assert_error(client.get(f"{COURSES}/{acme_course.pk}/progress"), 403, "PERMISSION_DENIED")
    assert error["details"]["required_scope"] == "enrollments:read"

    _, writer = issue(acme, acme_admin, scopes=["courses:write", "enrollments:read"], name="Writer")
    writer_client = key_client("acme", writer)
    assert_ok(writer_client.post(COURSES, {"title": "By a key"}, format="json"), 201)
    assert_ok(writer_client.get(f"{COURSES}/{acme_course.pk}/progress"))
    assert_ok(writer_client.get(f"{COURSES}/{acme_course.pk}/analytics"))


def test_the_openapi_document_generates_without_warnings_and_lists_course_endpoints(acme, tmp_path):
    target = tmp_path / "schema.json"

    call_command(
        "spectacular",
        "--urlconf",
        "config.urls_tenant",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(target),
    )

    schema = client_for("acme").get("/api/v1/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/courses",
        "/api/v1/courses/{id}/content",
        "/api/v1/content/{id}/versions/{number}/diff",
        "/api/v1/media/{id}/download",
        "/api/v1/users/{id}/enrollments",
        "/api/v1/tags/{id}",
    ):
        assert path in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/courses/{id}/enrollments"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/courses"]["get"]["parameters"]}
    assert {"search", "category", "tag", "branch", "catalog", "filter[status]", "sort", "page"} <= parameters
