"""Pages and form actions of courses and learning, for the isolation matrices (see registry.py; placeholders
come from course_targets.course_ids)."""

from .entries import Page, PageAction

COURSE = "/courses/{course_id}/"
CONTENT = COURSE + "content/{content_id}/"
VERSION = CONTENT + "versions/{version_number}/"

COURSE_PAGES: list[Page] = [
    # Lists, and pages that name no object.
    Page("/courses/"),
    Page("/courses/teaching/"),
    Page("/courses/new/"),
    Page("/courses/categories/"),
    Page("/learning/"),
    # A course as learners see it.
    Page(COURSE, has_object=True),
    Page(COURSE + "cover", has_object=True),
    Page(COURSE + "media/{media_id}/", has_object=True),
    Page(COURSE + "learn/", has_object=True),
    Page(COURSE + "learn/{content_id}/", has_object=True),
    Page(COURSE + "learn/{content_id}/?preview=1", has_object=True),
    # The editor.
    Page(COURSE + "edit/", has_object=True),
    Page(COURSE + "archive/", has_object=True),
    Page(COURSE + "delete/", has_object=True),
    Page(COURSE + "modules/{module_id}/delete/", has_object=True),
    Page(COURSE + "modules/{module_id}/content/new/text/", has_object=True),
    Page(CONTENT + "edit/", has_object=True),
    Page(CONTENT + "delete/", has_object=True),
    Page(VERSION, has_object=True),
    Page(VERSION + "diff/", has_object=True),
    Page(VERSION + "diff/?against={version_number}", has_object=True),
    # Enrollment management.
    Page(COURSE + "enrollments/", has_object=True),
]

COURSE_PAGE_ACTIONS: list[PageAction] = [
    PageAction(COURSE + "enroll/"),
    PageAction(COURSE + "withdraw/"),
    PageAction(COURSE + "learn/{content_id}/complete/", {"completed": "true"}),
    PageAction(COURSE + "learn/{content_id}/progress", {"time_spent_seconds": "30", "position_seconds": "5"}),
    PageAction(COURSE + "edit/", {"title": "Hijacked", "summary": "Hijacked"}),
    PageAction(COURSE + "publish/"),
    PageAction(COURSE + "unpublish/"),
    PageAction(COURSE + "archive/"),
    PageAction(COURSE + "delete/"),
    PageAction("/courses/{spare_course_id}/delete/"),
    PageAction(COURSE + "modules/new/", {"title": "Hijacked"}),
    PageAction(COURSE + "modules/reorder/", {"order": "{module_id}"}),
    PageAction(COURSE + "modules/{module_id}/rename/", {"title": "Hijacked"}),
    PageAction(COURSE + "modules/{module_id}/move/", {"direction": "down"}),
    PageAction(COURSE + "modules/{module_id}/delete/"),
    PageAction(COURSE + "modules/{module_id}/reorder/", {"order": "{file_content_id},{content_id}"}),
    PageAction(
        COURSE + "modules/{module_id}/content/new/text/",
        {"title": "Hijacked", "body": "Hijacked", "body_format": "markdown"},
    ),
    PageAction(COURSE + "media/upload/"),
    PageAction(COURSE + "media/{media_id}/delete/"),
    PageAction(CONTENT + "edit/", {"title": "Hijacked", "body": "Hijacked", "body_format": "markdown"}),
    PageAction(CONTENT + "move/", {"direction": "down"}),
    PageAction(CONTENT + "unpublish/"),
    PageAction(CONTENT + "delete/"),
    PageAction(VERSION + "publish/"),
    PageAction(VERSION + "revert/", {"publish": "1"}),
    PageAction(COURSE + "enrollments/assign/", {"users": "{learner_id}", "due_at": "2030-01-01"}),
    PageAction(COURSE + "enrollments/{enrollment_id}/due/", {"due_at": "2030-01-01"}),
    PageAction(COURSE + "enrollments/{enrollment_id}/withdraw/"),
    PageAction(COURSE + "rules/{rule_id}/delete/"),
    PageAction("/courses/categories/{category_id}/edit/", {"name": "Hijacked"}),
    PageAction("/courses/categories/{category_id}/delete/"),
    PageAction("/courses/tags/{tag_id}/rename/", {"name": "Hijacked"}),
    PageAction("/courses/tags/{tag_id}/delete/"),
]
