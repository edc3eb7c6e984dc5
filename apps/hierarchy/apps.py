from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HierarchyConfig(AppConfig):
    name = "apps.hierarchy"
    label = "hierarchy"
    verbose_name = _("Branches and classes")

    def ready(self) -> None:
        from . import events  # noqa: F401  declares its events in the catalog (apps.events.catalog)
        from .audit import register as register_audit
        from .dashboard import register as register_cards
        from .navigation import register as register_navigation
        from .onboarding import register_steps as register_onboarding_steps
        from .scopes import register as register_scopes

        register_scopes()  # API-key scopes: branches, classes (apps.core.api.scopes)
        register_navigation()  # People, Branches, Classes, Settings (apps.core.navigation)
        register_cards()  # the checklist, the organization's counts, the role sections (apps.core.dashboard)
        register_onboarding_steps()  # the checklist's own steps; courses adds the course ones
        register_audit()  # the audit log's sentences for branches and classes (apps.audit.describe)
