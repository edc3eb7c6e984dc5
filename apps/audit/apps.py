from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        # Each app registers its own sentences and references (apps.audit.describe) and accounts the rule
        # of who may read the log (apps.audit.access), from their own ready().
        from .dashboard import register as register_cards
        from .navigation import register as register_navigation
        from .scopes import register as register_scopes

        register_scopes()  # API-key scopes: audit (apps.core.api.scopes)
        register_navigation()  # Audit log (apps.core.navigation)
        register_cards()  # Recent activity (apps.core.dashboard)
