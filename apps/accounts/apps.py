from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import events, middleware  # noqa: F401  its events (catalog); stamps sessions with their org
        from .audit import register as register_audit
        from .scopes import register as register_scopes

        register_scopes()  # API-key scopes: users (apps.core.api.scopes)
        register_audit()  # sentences for people and roles; who may read the log (apps.audit)
