"""API-key scope of the badges core (apps/badges/core/api.py): definitions, awards and progress."""

from django.utils.translation import gettext_lazy as _

from apps.core.api.scopes import register_scope


def register() -> None:
    register_scope(
        "badges",
        label=_("Badges"),
        description=_("Badge definitions and their criteria, awards, revocations and learners' progress."),
        app="badges",
    )
