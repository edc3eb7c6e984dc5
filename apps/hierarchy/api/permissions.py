"""DRF adapters over apps.accounts.permissions (which decides what each role may do).

A view declares, per HTTP method, what the caller must be::

    access = {"POST": ADMIN, "PUT": MANAGER}   # methods not named: any member of the organization

A caller who may never do the action (a Student deleting a class) is refused with 403 before any object is
looked up, so the answer is the same whatever id they name. A caller who may do it somewhere gets 404 for
objects outside their scope, from the selectors, and 403 only for objects they can see but not change.
"""

from django.http import Http404

from apps.accounts.permissions import IsOrgMember, scope_of

MEMBER = "member"
MANAGER = "manager"  # Org Admin or Branch Manager
AUTHOR = "author"  # Teacher, Branch Manager or Org Admin (courses and their learners)
ADMIN = "admin"  # Org Admin

_MESSAGES = {
    MANAGER: "Only Org Admins and Branch Managers may do this.",
    AUTHOR: "Only Teachers, Branch Managers and Org Admins may do this.",
    ADMIN: "Only Org Admins may do this.",
}


class ScopedAccess(IsOrgMember):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        need = getattr(view, "access", {}).get(request.method, MEMBER)
        scope = scope_of(request.user)
        allowed = {
            MEMBER: True,
            MANAGER: scope.can_manage_people(),
            AUTHOR: scope.can_author(),
            ADMIN: scope.is_org_admin,
        }[need]
        if not allowed:
            self.message = _MESSAGES[need]
        return allowed


class OwnOrganizationMixin:
    """For paths under /organizations/{org_id}/: an organization reaches only itself, and any other id answers
    404 (after authentication, before any other check), the same as an id that does not exist."""

    def check_permissions(self, request):
        user = getattr(request, "user", None)
        foreign = str(self.kwargs.get("org_id")) != str(request.tenant.pk)
        if user is not None and user.is_authenticated and foreign:
            raise Http404
        super().check_permissions(request)
