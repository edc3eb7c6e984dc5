"""API-key scopes for the audit trail (/api/v1/audit-log)."""

from django.utils.translation import gettext_lazy as _

from apps.core.api.scopes import register_scope


def register() -> None:
    register_scope(
        "audit",
        label=_("Audit log"),
        description=_("The organization's audit trail: who changed what, and when."),
        app="audit",
    )
