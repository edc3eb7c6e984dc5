from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "apps.courses"
    label = "courses"
    verbose_name = _("Courses and learning")

    def ready(self) -> None:
        from tenants.selectors import register_usage_counter

        from . import (
            events,  # noqa: F401  declares its events in the catalog (apps.events.catalog)
            receivers,  # noqa: F401  enrollment rules for people who join a class or branch later
        )
        from .audit import register as register_audit
        from .dashboard import register as register_cards
        from .lesson_kinds import register as register_lesson_kinds
        from .navigation import register as register_navigation
        from .onboarding import register as register_onboarding_steps
        from .scopes import register as register_scopes

        register_lesson_kinds()  # text, video, file, link, quiz (apps.courses.kinds)
        register_scopes()  # API-key scopes: courses, enrollments (apps.core.api.scopes)
        register_navigation()  # Catalog, My learning, Teaching (apps.core.navigation)
        register_cards()  # the dashboard's My learning and Courses you teach (apps.core.dashboard)
        register_onboarding_steps()  # the checklist's course steps (apps.hierarchy.onboarding)
        register_audit()  # the audit log's sentences for courses, content, enrollments (apps.audit.describe)

        register_usage_counter(
            "courses",
            'SELECT count(*) FROM "{schema}"."courses_course" WHERE status <> \'archived\'',
            "Courses",
        )
        register_usage_counter(
            "storage_mb",
            'SELECT ceil(coalesce(sum(size), 0) / 1048576.0)::int FROM "{schema}"."courses_mediafile"',
            "Storage (MB)",
        )
