"""The badges' entries in the organization's navigation: "Badges" for staff, "My achievements" for learners."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import scope_of
from apps.core.navigation import NavEntry, register_nav


def is_staff(request) -> bool:
    return scope_of(request.user).can_author()


def is_learner(request) -> bool:
    scope = scope_of(request.user)
    return scope.user_id is not None and not scope.can_author()


ENTRIES = (
    NavEntry(
        _("Badges"),
        "badges:badge_list",
        visible=is_staff,
        order=37,
        active=("badges:badge_*", "badges:award_*"),
    ),
    NavEntry(
        _("My achievements"),
        "badges:achievements",
        visible=is_learner,
        order=36,
        active=("badges:achievements*",),
    ),
)


def register() -> None:
    for entry in ENTRIES:
        register_nav(entry)
