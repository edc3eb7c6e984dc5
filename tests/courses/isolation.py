"""Isolation and role rows of courses, content, media, enrollments and progress (apps/courses): the /api/v1/
endpoints, the pages and their form actions.

Placeholders come from `targets` (tests/courses/isolation_targets.py: course_ids), and a body string that is
exactly one placeholder, like "{module_id}", is filled too.

The targets, in acme: {course_id} is organization-wide, published and owned by the Org Admin, so every role
sees it and only the Org Admin edits it (a Branch Manager edits only courses of the branches they manage, a
Teacher only courses they own or co-teach); everyone is enrolled in it, so everyone may record progress.
{self_id} is the student, whom every role may see. What an Org Admin's call deletes, unpublishes or archives
(the spare course, its module, lesson, file and rule) is put back before the next role's call, so the next
role meets it as it was.

Uploads (POST /courses/{id}/media, POST /content/{id}/media, a cover in PATCH /courses/{id}) are sent as
multipart with a small PNG (`upload=` names the file field).

API keys: courses, outlines, content, versions, media, categories and tags need a `courses` scope;
enrollments and progress an `enrollments` scope (apps/courses/api/enrollments.py, progress.py).
"""

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

from .isolation_targets import course_ids

ADMIN = ("org_admin",)
STAFF = ("org_admin", "branch_manager", "teacher")

COURSE = "/api/v1/courses/{course_id}"
SPARE = "/api/v1/courses/{spare_course_id}"
CONTENT = "/api/v1/content/{content_id}"
VERSION = CONTENT + "/versions/{version_number}"

API_ENDPOINTS: list[Endpoint] = [
    *scoped(
        "courses",
        [
            # Courses
            Endpoint("GET", "/api/v1/courses"),
            Endpoint("POST", "/api/v1/courses", {"title": "Matrix course"}, allowed_roles=STAFF),
            Endpoint("GET", COURSE, has_object=True),
            Endpoint("PUT", COURSE, {"title": "Renamed course"}, allowed_roles=ADMIN, has_object=True),
            Endpoint("PATCH", COURSE, {"summary": "Matrix summary"}, allowed_roles=ADMIN, has_object=True),
            Endpoint("DELETE", SPARE, allowed_roles=ADMIN, has_object=True),
            Endpoint(
                "POST", COURSE + "/publish", {"content": "latest"}, allowed_roles=ADMIN, has_object=True
            ),
            Endpoint("POST", SPARE + "/unpublish", allowed_roles=ADMIN, has_object=True),
            Endpoint("POST", SPARE + "/archive", allowed_roles=ADMIN, has_object=True),
            Endpoint("GET", SPARE + "/cover", has_object=True),
            # The outline, modules and their order
            Endpoint("GET", COURSE + "/content", has_object=True),
            Endpoint("GET", COURSE + "/content?as_learner=true", has_object=True),
            Endpoint(
                "POST",
                COURSE + "/content",
                {"kind": "text", "title": "Matrix lesson", "body": "Matrix"},
                allowed_roles=ADMIN,
                has_object=True,
            ),
            Endpoint("GET", COURSE + "/modules", has_object=True),
            Endpoint(
                "POST", COURSE + "/modules", {"title": "Matrix module"}, allowed_roles=ADMIN, has_object=True
            ),
            Endpoint(
                "PUT",
                COURSE + "/modules/order",
                {"order": ["{module_id}"]},
                allowed_roles=ADMIN,
                has_object=True,
            ),
            Endpoint("GET", "/api/v1/modules/{module_id}", has_object=True),
            Endpoint(
                "PUT",
                "/api/v1/modules/{module_id}",
                {"title": "Renamed module"},
                allowed_roles=ADMIN,
                has_object=True,
            ),
            Endpoint(
                "PATCH",
                "/api/v1/modules/{module_id}",
                {"description": "Matrix"},
                allowed_roles=ADMIN,
                has_object=True,
            ),
            Endpoint("DELETE", "/api/v1/modules/{spare_module_id}", allowed_roles=ADMIN, has_object=True),
            Endpoint(
                "PUT",
                "/api/v1/modules/{module_id}/items/order",
                {"order": ["{file_content_id}", "{content_id}"]},
                allowed_roles=ADMIN,
                has_object=True,
            ),
            # Content
            Endpoint("GET", "/api/v1/content"),
            Endpoint(
                "POST",
                "/api/v1/content",
                {"module": "{module_id}", "kind": "text", "title": "Matrix lesson"},
                allowed_roles=ADMIN,
            ),
            Endpoint("GET", CONTENT, has_object=True),
            Endpoint("PUT", CONTENT, {"title": "Renamed lesson"}, allowed_roles=ADMIN, has_object=True),
            Endpoint("PATCH", CONTENT, {"body": "Matrix body"}, allowed_roles=ADMIN, has_object=True),
            Endpoint("DELETE", "/api/v1/content/{spare_content_id}", allowed_roles=ADMIN, has_object=True),
            Endpoint(
                "POST", "/api/v1/content/{spare_content_id}/unpublish", allowed_roles=ADMIN, has_object=True
            ),
            # Versions: editors only (others who see the lesson get 403)
            Endpoint("GET", CONTENT + "/versions", allowed_roles=ADMIN, has_object=True),
            Endpoint(
                "POST",
                CONTENT + "/versions",
                {"body": "Matrix version"},
                allowed_roles=ADMIN,
                has_object=True,
            ),
            Endpoint("GET", VERSION, allowed_roles=ADMIN, has_object=True),
            Endpoint("POST", VERSION + "/publish", allowed_roles=ADMIN, has_object=True),
            Endpoint("POST", VERSION + "/revert", {"publish": False}, allowed_roles=ADMIN, has_object=True),
            Endpoint("GET", VERSION + "/diff", allowed_roles=ADMIN, has_object=True),
            Endpoint("GET", VERSION + "/diff?against={version_number}", allowed_roles=ADMIN, has_object=True),
            # Media
            Endpoint("GET", COURSE + "/media", has_object=True),
            Endpoint("POST", COURSE + "/media", allowed_roles=ADMIN, has_object=True, upload="file"),
            Endpoint("POST", CONTENT + "/media", allowed_roles=ADMIN, has_object=True, upload="file"),
            Endpoint("PATCH", COURSE, allowed_roles=ADMIN, has_object=True, upload="cover"),
            Endpoint("GET", "/api/v1/content/{file_content_id}/media", has_object=True),
            Endpoint("GET", "/api/v1/media/{media_id}", has_object=True),
            Endpoint("GET", "/api/v1/media/{media_id}/download", has_object=True),
            Endpoint("GET", "/api/v1/media/{media_id}/download?download=true", has_object=True),
            Endpoint("DELETE", "/api/v1/media/{spare_media_id}", allowed_roles=ADMIN, has_object=True),
        ],
    ),
    *scoped(
        "enrollments",
        [
            # Enrollments
            Endpoint("GET", COURSE + "/enrollments", has_object=True),
            Endpoint(
                "POST",
                COURSE + "/enrollments",
                {"users": ["{self_id}"]},
                allowed_roles=STAFF,
                has_object=True,
            ),
            Endpoint("POST", COURSE + "/enrollments", {"self": True}, has_object=True),
            Endpoint("GET", COURSE + "/enrollments/{student_enrollment_id}", has_object=True),
            Endpoint(
                "PATCH",
                COURSE + "/enrollments/{student_enrollment_id}",
                {"due_at": "2030-01-31"},
                allowed_roles=STAFF,
                has_object=True,
            ),
            Endpoint("DELETE", COURSE + "/enrollments/{student_enrollment_id}", has_object=True),
            Endpoint("GET", COURSE + "/enrollment-rules", allowed_roles=STAFF, has_object=True),
            Endpoint(
                "DELETE", SPARE + "/enrollment-rules/{spare_rule_id}", allowed_roles=STAFF, has_object=True
            ),
            # Progress and analytics
            Endpoint("GET", COURSE + "/progress", has_object=True),
            Endpoint("GET", COURSE + "/analytics", allowed_roles=STAFF, has_object=True),
            Endpoint("GET", CONTENT + "/progress", has_object=True),
            Endpoint(
                "PUT", CONTENT + "/progress", {"completed": True, "time_spent_seconds": 30}, has_object=True
            ),
            Endpoint(
                "POST",
                CONTENT + "/progress",
                {"time_spent_seconds": 45, "position_seconds": 10},
                has_object=True,
            ),
            Endpoint("GET", "/api/v1/users/{self_id}/enrollments", has_object=True),
            Endpoint("GET", "/api/v1/users/{self_id}/progress", has_object=True),
        ],
    ),
    *scoped(
        "courses",
        [
            # Categories and tags
            Endpoint("GET", "/api/v1/categories"),
            Endpoint("POST", "/api/v1/categories", {"name": "Matrix category"}, allowed_roles=ADMIN),
            Endpoint("GET", "/api/v1/categories/{category_id}", has_object=True),
            Endpoint(
                "PUT",
                "/api/v1/categories/{category_id}",
                {"name": "Renamed category"},
                allowed_roles=ADMIN,
                has_object=True,
            ),
            Endpoint(
                "PATCH",
                "/api/v1/categories/{category_id}",
                {"description": "Matrix"},
                allowed_roles=ADMIN,
                has_object=True,
            ),
            Endpoint("DELETE", "/api/v1/categories/{category_id}", allowed_roles=ADMIN, has_object=True),
            Endpoint("GET", "/api/v1/tags"),
            Endpoint("GET", "/api/v1/tags/{tag_id}", has_object=True),
            Endpoint(
                "PUT", "/api/v1/tags/{tag_id}", {"name": "Renamed tag"}, allowed_roles=ADMIN, has_object=True
            ),
            Endpoint(
                "PATCH",
                "/api/v1/tags/{tag_id}",
                {"name": "Patched tag"},
                allowed_roles=ADMIN,
                has_object=True,
            ),
            Endpoint("DELETE", "/api/v1/tags/{tag_id}", allowed_roles=ADMIN, has_object=True),
        ],
    ),
]

PAGE_COURSE = "/courses/{course_id}/"
PAGE_CONTENT = PAGE_COURSE + "content/{content_id}/"
PAGE_VERSION = PAGE_CONTENT + "versions/{version_number}/"

PAGES: list[Page] = [
    # Lists, and pages that name no object.
    Page("/courses/"),
    Page("/courses/teaching/"),
    Page("/courses/new/"),
    Page("/courses/categories/"),
    Page("/learning/"),
    # A course as learners see it.
    Page(PAGE_COURSE, has_object=True),
    Page(PAGE_COURSE + "cover", has_object=True),
    Page(PAGE_COURSE + "media/{media_id}/", has_object=True),
    Page(PAGE_COURSE + "learn/", has_object=True),
    Page(PAGE_COURSE + "learn/{content_id}/", has_object=True),
    Page(PAGE_COURSE + "learn/{content_id}/?preview=1", has_object=True),
    # The editor.
    Page(PAGE_COURSE + "edit/", has_object=True),
    Page(PAGE_COURSE + "archive/", has_object=True),
    Page(PAGE_COURSE + "delete/", has_object=True),
    Page(PAGE_COURSE + "modules/{module_id}/delete/", has_object=True),
    Page(PAGE_COURSE + "modules/{module_id}/content/new/text/", has_object=True),
    Page(PAGE_CONTENT + "edit/", has_object=True),
    Page(PAGE_CONTENT + "delete/", has_object=True),
    Page(PAGE_VERSION, has_object=True),
    Page(PAGE_VERSION + "diff/", has_object=True),
    Page(PAGE_VERSION + "diff/?against={version_number}", has_object=True),
    # Enrollment management.
    Page(PAGE_COURSE + "enrollments/", has_object=True),
]

PAGE_ACTIONS: list[PageAction] = [
    PageAction(PAGE_COURSE + "enroll/"),
    PageAction(PAGE_COURSE + "withdraw/"),
    PageAction(PAGE_COURSE + "learn/{content_id}/complete/", {"completed": "true"}),
    PageAction(
        PAGE_COURSE + "learn/{content_id}/progress", {"time_spent_seconds": "30", "position_seconds": "5"}
    ),
    PageAction(PAGE_COURSE + "edit/", {"title": "Hijacked", "summary": "Hijacked"}),
    PageAction(PAGE_COURSE + "publish/"),
    PageAction(PAGE_COURSE + "unpublish/"),
    PageAction(PAGE_COURSE + "archive/"),
    PageAction(PAGE_COURSE + "delete/"),
    PageAction("/courses/{spare_course_id}/delete/"),
    PageAction(PAGE_COURSE + "modules/new/", {"title": "Hijacked"}),
    PageAction(PAGE_COURSE + "modules/reorder/", {"order": "{module_id}"}),
    PageAction(PAGE_COURSE + "modules/{module_id}/rename/", {"title": "Hijacked"}),
    PageAction(PAGE_COURSE + "modules/{module_id}/move/", {"direction": "down"}),
    PageAction(PAGE_COURSE + "modules/{module_id}/delete/"),
    PageAction(PAGE_COURSE + "modules/{module_id}/reorder/", {"order": "{file_content_id},{content_id}"}),
    PageAction(
        PAGE_COURSE + "modules/{module_id}/content/new/text/",
        {"title": "Hijacked", "body": "Hijacked", "body_format": "markdown"},
    ),
    PageAction(PAGE_COURSE + "media/upload/"),
    PageAction(PAGE_COURSE + "media/{media_id}/delete/"),
    PageAction(PAGE_COURSE + "content/preview/", {"body": "Hijacked", "body_format": "markdown"}),
    PageAction(PAGE_CONTENT + "edit/", {"title": "Hijacked", "body": "Hijacked", "body_format": "markdown"}),
    PageAction(
        PAGE_CONTENT + "edit/",
        {"title": "Hijacked", "body": "Hijacked", "body_format": "html", "preview": "1"},
    ),
    PageAction(PAGE_CONTENT + "move/", {"direction": "down"}),
    PageAction(PAGE_CONTENT + "unpublish/"),
    PageAction(PAGE_CONTENT + "delete/"),
    PageAction(PAGE_VERSION + "publish/"),
    PageAction(PAGE_VERSION + "revert/", {"publish": "1"}),
    PageAction(PAGE_COURSE + "enrollments/assign/", {"users": "{learner_id}", "due_at": "2030-01-01"}),
    PageAction(PAGE_COURSE + "enrollments/{enrollment_id}/due/", {"due_at": "2030-01-01"}),
    PageAction(PAGE_COURSE + "enrollments/{enrollment_id}/withdraw/"),
    PageAction(PAGE_COURSE + "rules/{rule_id}/delete/"),
    PageAction("/courses/categories/{category_id}/edit/", {"name": "Hijacked"}),
    PageAction("/courses/categories/{category_id}/delete/"),
    PageAction("/courses/tags/{tag_id}/rename/", {"name": "Hijacked"}),
    PageAction("/courses/tags/{tag_id}/delete/"),
]


def targets(organization) -> dict[str, str]:
    return course_ids(organization)
