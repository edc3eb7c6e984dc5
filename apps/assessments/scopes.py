"""API-key scopes for assessments (apps/assessments/*/api.py): the question bank, quizzes and attempts."""

from django.utils.translation import gettext_lazy as _

from apps.core.api.scopes import register_scope


def register() -> None:
    register_scope(
        "assessments",
        label=_("Assessments and question bank"),
        description=_(
            "Question categories and questions, quizzes and their settings, attempts, grading, results, "
            "statistics, imports and exports."
        ),
        app="assessments",
    )
