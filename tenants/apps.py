from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Organizations and plans")

    def ready(self) -> None:
        from . import (
            retirement,  # noqa: F401  the slug quarantine's system check
            signals,  # noqa: F401  cache invalidation on every change
        )
        from .audit import register as register_audit
        from .scopes import register as register_scopes

        register_scopes()  # API-key scopes: organization (apps.core.api.scopes)
        register_audit()  # the audit log's sentence for the organization's settings (apps.audit.describe)
