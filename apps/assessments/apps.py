from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "apps.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from . import events  # noqa: F401  declares its events in the catalog (apps.events.catalog)
        from .analytics import subscribers  # noqa: F401  statistics go stale after submissions and grades
        from .navigation import register as register_navigation
        from .qtypes import register_builtin as register_qtypes
        from .scopes import register as register_scopes

        register_qtypes()  # the nine question types (apps.assessments.qtypes)

        register_scopes()  # API-key scope: assessments (apps.core.api.scopes)
        register_navigation()  # Question bank, for authors (apps.core.navigation)
        from .quizzes.lesson_kinds import register as register_quiz_kind

        register_quiz_kind()  # takes the "quiz" lesson kind over from apps.courses
        from .audit import register as register_audit

        register_audit()  # the audit log's sentences for the bank, quizzes, attempts and imports
