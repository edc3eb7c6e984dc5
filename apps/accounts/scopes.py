"""API-key scopes for people (the people endpoints: /api/v1/users, and a branch's or class's people)."""

from django.utils.translation import gettext_lazy as _

from apps.core.api.scopes import register_scope


def register() -> None:
    register_scope(
        "users",
        label=_("People"),
        description=_("People and their roles: list and read them; invite, change, give or take away roles."),
        app="accounts",
    )
