"""The courses app's entries in the organization's navigation (registered from CoursesConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import scope_of
from apps.core.navigation import NavEntry, register_nav

from .permissions import can_author


def may_author(request) -> bool:
    return can_author(scope_of(request.user))


ENTRIES = (
    NavEntry(
        _("Catalog"),
        "courses:catalog",
        order=10,
        active=("courses:catalog", "courses:course", "courses:enroll", "courses:withdraw"),
    ),
    NavEntry(
        _("My learning"),
        "courses:learning",
        order=20,
        active=("courses:learning", "courses:resume", "courses:lesson*"),
    ),
    NavEntry(
        _("Teaching"),
        "courses:teaching",
        visible=may_author,
        order=30,
        active=(
            "courses:teaching",
            "courses:create",
            "courses:edit",
            "courses:publish",
            "courses:unpublish",
            "courses:archive",
            "courses:delete",
            "courses:module_*",
            "courses:modules_*",
            "courses:items_*",
            "courses:content_*",
            "courses:media_*",
            "courses:version*",
            "courses:enrollment*",
            "courses:rule_*",
            "courses:categor*",
            "courses:tag_*",
        ),
    ),
)


def register() -> None:
    for entry in ENTRIES:
        register_nav(entry)
