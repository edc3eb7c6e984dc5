"""What each role may do: the one place that decides. Selectors scope reads with it, services check
writes with it, and API/page permission classes ask it.

Roles (a person may hold several, in several branches and classes):
- Org Admin: the whole organization.
- Branch Manager: the branches they manage, their classes and the people in them.
- Teacher: their classes and the people in them (read), and their own profile.
- Student: themselves, their classes and branches (read).
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import post_delete, post_save
from rest_framework.permissions import BasePermission

from .models import RoleAssignment
from .signals import roles_granted

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


# The scope is also kept across requests, per person, in the tenant cache for SCOPE_CACHE_SECONDS: roles
# change rarely and every request needs them. The key names the schema (on top of the cache's own schema
# prefix) and the person; any change to a person's role assignments (saved, deleted, bulk-granted through
# `roles_granted`, or moved with their class) deletes their entry, and again once the transaction is over
# (after the request, or at this connection's next scope read: a request that read the old rows meanwhile may
# have put them back; no on_commit callback, which callers count); until then this connection neither reads
# nor writes that entry (it must not see the old roles, nor store rows that a rollback would undo). The
# timeout bounds what is left: a change committed outside a request (a Celery import) on a worker that then
# reads no scope.
# Only requests share scopes (between request_started and request_finished, or inside shared_scopes()):
# code outside a request (a Celery task, a management command, a test calling a selector) reads them as
# before, once per user object.
SCOPE_CACHE_SECONDS = 120
_CACHE = "default"
_SHARED = contextvars.ContextVar("learnstack_shared_scopes", default=False)


@contextmanager
def shared_scopes():
    """Share kept scopes in this block, as a request does."""
    token = _SHARED.set(True)
    try:
        yield
    finally:
        _SHARED.reset(token)


def _request_started(**kwargs) -> None:
    _SHARED.set(True)


def _scope_key(user_id) -> str:
    return f"scope:{connection.schema_name}:{user_id}"


def _pending() -> set[str]:
    """Entries whose person's roles this connection changed in the transaction it is in (not committed yet):
    kept per outermost atomic block. Once that block is over (committed or rolled back), its entries are
    deleted again, for a request on another connection may have stored the old rows meanwhile."""
    held = getattr(connection, "_learnstack_scope_pending", None)
    outermost = connection.atomic_blocks[0] if connection.in_atomic_block else None
    if held is not None and held[0] is outermost:
        return held[1]
    if held is not None and held[1]:
        caches[_CACHE].delete_many(list(held[1]))
    held = connection._learnstack_scope_pending = (outermost, set())
    return held[1]


def flush_scope_changes(**kwargs) -> None:
    """After each request: delete again the entries changed in the transactions it committed."""
    _SHARED.set(False)
    if getattr(connection, "_learnstack_scope_pending", None) is not None:
        _pending()


def _load(user) -> Scope:
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
    return Scope(
        user.pk,
        frozenset(roles),
        frozenset(managed),
        frozenset(teaching),
        frozenset(learning),
        frozenset(branches),
    )


def scope_of(user) -> Scope:
    """The viewer's roles, read once per request (cached on the user object) and kept across requests (see
    SCOPE_CACHE_SECONDS)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = getattr(user, "_learnstack_scope", None)
    if cached is not None:
        return cached
    key = _scope_key(user.pk)
    shared = _SHARED.get() and key not in _pending()
    scope = caches[_CACHE].get(key) if shared else None
    if not isinstance(scope, Scope) or scope.user_id != user.pk:
        scope = _load(user)
        if shared:
            caches[_CACHE].set(key, scope, SCOPE_CACHE_SECONDS)
    user._learnstack_scope = scope
    return scope


def forget_scope(user) -> None:
    if hasattr(user, "_learnstack_scope"):
        del user._learnstack_scope


def scope_changed(user_ids) -> None:
    """The role assignments of `user_ids` (in the active schema) changed: drop their kept scopes now, and
    again once the transaction is over (see _pending)."""
    keys = {_scope_key(user_id) for user_id in user_ids if user_id is not None}
    if not keys:
        return
    caches[_CACHE].delete_many(list(keys))
    if connection.in_atomic_block:
        _pending().update(keys)


def _assignment_changed(sender, instance, **kwargs) -> None:
    scope_changed([instance.user_id])


def _assignments_granted(sender, assignments=(), **kwargs) -> None:
    scope_changed([assignment.user_id for assignment in assignments])


def _class_saved(sender, instance, created=False, **kwargs) -> None:
    # class_update() moves its people with the class (an UPDATE of their assignments, without signals).
    if not created:
        scope_changed(set(instance.role_assignments.values_list("user_id", flat=True)))


post_save.connect(_assignment_changed, sender=RoleAssignment, dispatch_uid="scope-assignment-saved")
post_delete.connect(_assignment_changed, sender=RoleAssignment, dispatch_uid="scope-assignment-deleted")
roles_granted.connect(_assignments_granted, dispatch_uid="scope-roles-granted")
post_save.connect(_class_saved, sender="hierarchy.SchoolClass", dispatch_uid="scope-class-saved")
request_started.connect(_request_started, dispatch_uid="scope-share")
request_finished.connect(flush_scope_changes, dispatch_uid="scope-flush")


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
