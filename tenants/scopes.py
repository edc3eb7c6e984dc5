"""API-key scopes for the organization's own record (tenants/api/org_views.py)."""

from django.utils.translation import gettext_lazy as _

from apps.core.api.scopes import register_scope


def register() -> None:
    register_scope(
        "organization",
        label=_("Organization"),
        description=_("The organization's own record and settings (name, branding, language, time zone)."),
        app="tenants",
    )
