"""API-key scopes for courses (apps/courses/api/): the content, and who learns it."""

from django.utils.translation import gettext_lazy as _

from apps.core.api.scopes import register_scope


def register() -> None:
    register_scope(
        "courses",
        label=_("Courses and content"),
        description=_("Courses, their modules, lessons, versions, media, categories and tags."),
        app="courses",
    )
    register_scope(
        "enrollments",
        label=_("Enrollments and progress"),
        description=_("Who is enrolled in which course, and each learner's progress through its lessons."),
        app="courses",
    )
