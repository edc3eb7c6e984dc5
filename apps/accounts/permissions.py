"""What each role may do. One place decides; views and selectors ask here."""

from rest_framework.permissions import BasePermission

from .models import RoleAssignment


def is_org_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return any(a.role == RoleAssignment.Role.ORG_ADMIN for a in user.role_assignments.all())


class IsOrgMember(BasePermission):
    """Signed in on the organization's own host (tokens and sessions are bound to their org)."""

    def has_permission(self, request, view) -> bool:
        tenant = getattr(request, "tenant", None)
        return bool(tenant is not None and not tenant.is_public and request.user and request.user.is_authenticated)


class IsOrgAdminOrReadOnly(IsOrgMember):
    message = "Only Org Admins may change this."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in ("GET", "HEAD", "OPTIONS") or is_org_admin(request.user)
