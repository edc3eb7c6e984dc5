from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiKeysConfig(AppConfig):
    name = "apps.apikeys"
    label = "apikeys"
    verbose_name = _("API keys")

    def ready(self) -> None:
        from .audit import register as register_audit
        from .navigation import register as register_navigation

        register_navigation()  # API keys (apps.core.navigation)
        register_audit()  # the audit log's sentences for API keys (apps.audit.describe)
