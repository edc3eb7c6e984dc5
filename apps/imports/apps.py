from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "apps.imports"
    label = "imports"
    verbose_name = _("Bulk imports")

    def ready(self) -> None:
        from . import events  # noqa: F401  declares its events in the catalog (apps.events.catalog)
        from .audit import register as register_audit
        from .navigation import register as register_navigation
        from .scopes import register as register_scopes

        register_scopes()  # API-key scopes: imports (apps.core.api.scopes)
        register_navigation()  # Import (apps.core.navigation)
        register_audit()  # the audit log's sentences for imports (apps.audit.describe)
