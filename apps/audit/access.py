"""Who may read the audit log (its page, its API and the dashboard card). The trail sits below the role model,
so it does not decide: apps.accounts registers the rule from AccountsConfig.ready() (apps/accounts/audit.py),
as every app registers its sentences. Until a rule is registered nobody may read the log.

    register_readers(may_read=is_org_admin, api_permission=IsOrgAdmin)
"""

from collections.abc import Callable
from dataclasses import dataclass

from rest_framework.permissions import BasePermission


@dataclass(frozen=True)
class Readers:
    may_read: Callable[[object], bool]  # user -> bool, for the page, the navigation and the dashboard card
    api_permission: type[BasePermission]  # the same rule for /api/v1/audit-log, with its refusal message


_readers: Readers | None = None


def register_readers(*, may_read: Callable[[object], bool], api_permission: type[BasePermission]) -> None:
    """Who may read the log; registering again replaces the rule."""
    global _readers
    _readers = Readers(may_read, api_permission)


def may_read(user) -> bool:
    return _readers is not None and bool(_readers.may_read(user))


def request_may_read(request) -> bool:
    """`may_read` for a page request (the navigation entry's and the dashboard card's `visible`)."""
    return may_read(request.user)


class CanReadAuditLog(BasePermission):
    """The registered API permission, asked on each request (its message is the refusal's)."""

    message = "You may not read the audit log."

    def has_permission(self, request, view) -> bool:
        if _readers is None:
            return False
        permission = _readers.api_permission()
        allowed = permission.has_permission(request, view)
        if not allowed:
            self.message = getattr(permission, "message", None) or self.message
        return allowed
