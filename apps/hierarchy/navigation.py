"""The organization area's entries for people, branches, classes and settings (registered from
HierarchyConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import scope_of
from apps.core.navigation import NavEntry, register_nav


def manages_people_or_teaches(request) -> bool:
    scope = scope_of(request.user)
    return scope.can_manage_people() or scope.is_teacher


def holds_a_role(request) -> bool:
    return bool(scope_of(request.user).roles)


def is_org_admin(request) -> bool:
    return scope_of(request.user).is_org_admin


ENTRIES = (
    NavEntry(_("People"), "hierarchy:people", visible=manages_people_or_teaches, order=40),
    NavEntry(_("Branches"), "hierarchy:branches", visible=holds_a_role, order=50),
    NavEntry(_("Classes"), "hierarchy:classes", visible=holds_a_role, order=60),
    NavEntry(_("Settings"), "organization:settings", visible=is_org_admin, order=100),
)


def register() -> None:
    for entry in ENTRIES:
        register_nav(entry)
