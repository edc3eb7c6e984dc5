"""The audit log in the organization's navigation (registered from AuditConfig.ready()), for those who may
read it (apps.audit.access)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import NavEntry, register_nav

from .access import request_may_read


def register() -> None:
    register_nav(NavEntry(_("Audit log"), "audit:list", visible=request_may_read, order=90))
