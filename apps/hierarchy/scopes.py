"""API-key scopes for branches and classes (apps/hierarchy/api/)."""

from django.utils.translation import gettext_lazy as _

from apps.core.api.scopes import register_scope


def register() -> None:
    register_scope(
        "branches",
        label=_("Branches"),
        description=_("The organization's branches: list, create, rename and archive them."),
        app="hierarchy",
    )
    register_scope(
        "classes",
        label=_("Classes"),
        description=_("Classes in the branches: list, create, change and archive them."),
        app="hierarchy",
    )
