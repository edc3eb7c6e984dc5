"""What each role may do: the one place that decides. Selectors scope reads with it, services check
writes with it, and API/page permission classes ask it.

Roles (a person may hold several, in several branches and classes):
- Org Admin: the whole organization.
- Branch Manager: the branches they manage, their classes and the people in them.
- Teacher: their classes and the people in them (read), and their own profile.
- Student: themselves, their classes and branches (read).
"""

from dataclasses import dataclass

from rest_framework.permissions import BasePermission

from .models import RoleAssignment

Role = RoleAssignment.Role


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    roles: frozenset[str]
    managed_branch_ids: frozenset[int]
    teaching_class_ids: frozenset[int]
    learning_class_ids: frozenset[int]
    member_branch_ids: frozenset[int]  # every branch where the person holds any role

    @property
    def is_org_admin(self) -> bool:
        return Role.ORG_ADMIN in self.roles

    @property
    def is_branch_manager(self) -> bool:
        return bool(self.managed_branch_ids)

    @property
    def is_teacher(self) -> bool:
        return bool(self.teaching_class_ids) or Role.TEACHER in self.roles

    @property
    def class_ids(self) -> frozenset[int]:
        return self.teaching_class_ids | self.learning_class_ids

    def manages_branch(self, branch_id: int | None) -> bool:
        return self.is_org_admin or (branch_id is not None and branch_id in self.managed_branch_ids)

    def can_manage_people(self) -> bool:
        return self.is_org_admin or self.is_branch_manager

    def can_author(self) -> bool:
        """May create courses and assign learners: Teachers, Branch Managers and Org Admins."""
        return self.is_org_admin or self.is_branch_manager or self.is_teacher


NOBODY = Scope(None, frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


def scope_of(user) -> Scope:
    """The viewer's roles, read once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = getattr(user, "_learnstack_scope", None)
    if cached is not None:
        return cached
    roles, managed, teaching, learning, branches = set(), set(), set(), set(), set()
    for role, branch_id, class_id in RoleAssignment.objects.filter(user_id=user.pk).values_list(
        "role", "branch_id", "school_class_id"
    ):
        roles.add(role)
        if branch_id:
            branches.add(branch_id)
        if role == Role.BRANCH_MANAGER:
            managed.add(branch_id)
        elif role == Role.TEACHER and class_id:
            teaching.add(class_id)
        elif role == Role.STUDENT and class_id:
            learning.add(class_id)
    scope = Scope(
        user.pk,
        frozenset(roles),
        frozenset(managed),
        frozenset(teaching),
        frozenset(learning),
        frozenset(branches),
    )
    user._learnstack_scope = scope
    return scope


def forget_scope(user) -> None:
    if hasattr(user, "_learnstack_scope"):
        del user._learnstack_scope


def is_org_admin(user) -> bool:
    return scope_of(user).is_org_admin


# --- DRF permission classes -----------------------------------------------------------------------------


class IsOrgMember(BasePermission):
    """Signed in on the organization's own host (tokens and sessions are bound to their org)."""

    def has_permission(self, request, view) -> bool:
        tenant = getattr(request, "tenant", None)
        return bool(
            tenant is not None and not tenant.is_public and request.user and request.user.is_authenticated
        )


class IsOrgAdmin(IsOrgMember):
    message = "Only Org Admins may do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and is_org_admin(request.user)


class IsOrgAdminOrReadOnly(IsOrgMember):
    message = "Only Org Admins may change this."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in ("GET", "HEAD", "OPTIONS") or is_org_admin(request.user)
