"""What the core part of apps.badges registers (called from apps/badges/registry.py): the event subscribers
that keep progress and award automatically, the navigation entries, the API-key scope and the audit
sentences."""


def register() -> None:
    from . import subscribers  # noqa: F401  course.completed, assessment.graded, lesson.completed, badge.awarded
    from .audit import register as register_audit
    from .navigation import register as register_navigation
    from .scopes import register as register_scopes

    register_scopes()
    register_navigation()
    register_audit()
