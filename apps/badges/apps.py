from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BadgesConfig(AppConfig):
    name = "apps.badges"
    label = "badges"
    verbose_name = _("Badges")

    def ready(self) -> None:
        from . import events  # noqa: F401  declares badge.awarded and badge.revoked (apps.events.catalog)
        from .registry import register_all

        register_all()  # subscribers, navigation, API-key scope, audit sentences (apps/badges/registry.py)
