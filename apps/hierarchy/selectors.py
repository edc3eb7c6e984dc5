"""Reads on branches and classes, and on the people of one branch or class, always scoped by the viewer.
Reads on people in general (user_list, the roles a viewer may know of) are in apps/accounts/selectors.py.

An object outside the viewer's scope is simply not in the queryset, so views answer 404 for it, the
same as for an object that does not exist.
"""

from django.db.models import Count, Q, QuerySet

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.accounts.selectors import people_holding, user_list, visible_role_assignments

from .models import Branch, SchoolClass


def branch_list(*, viewer) -> QuerySet[Branch]:
    scope = scope_of(viewer)
    queryset = Branch.objects.annotate(
        class_count=Count("classes", distinct=True),
        member_count=Count("role_assignments__user", distinct=True),
    )
    if scope.is_org_admin:
        return queryset
    return queryset.filter(pk__in=scope.member_branch_ids)


def branch_get(*, viewer, pk) -> Branch | None:
    return branch_list(viewer=viewer).filter(pk=pk).first() if str(pk).isdigit() else None


def class_list(*, viewer) -> QuerySet[SchoolClass]:
    scope = scope_of(viewer)
    queryset = SchoolClass.objects.select_related("branch").annotate(
        teacher_count=Count("role_assignments", filter=Q(role_assignments__role="teacher"), distinct=True),
        student_count=Count("role_assignments", filter=Q(role_assignments__role="student"), distinct=True),
    )
    if scope.is_org_admin:
        return queryset
    return queryset.filter(Q(branch_id__in=scope.managed_branch_ids) | Q(pk__in=scope.class_ids))


def class_get(*, viewer, pk) -> SchoolClass | None:
    return class_list(viewer=viewer).filter(pk=pk).first() if str(pk).isdigit() else None


def class_members(*, viewer, school_class: SchoolClass, role: str | None = None) -> QuerySet:
    held = {"school_class": school_class, **({"role": role} if role else {})}
    return people_holding(viewer=viewer, **held)


def branch_members(*, viewer, branch: Branch, search: str = "") -> QuerySet:
    return people_holding(viewer=viewer, people=user_list(viewer=viewer, search=search), branch=branch)


def class_memberships(*, viewer, school_class: SchoolClass) -> QuerySet[RoleAssignment]:
    """The class's teachers and students as role assignments (one row per person and role), limited to the
    people and the roles the viewer may see."""
    visible = user_list(viewer=viewer).values("pk")
    return (
        visible_role_assignments(viewer=viewer)
        .filter(school_class=school_class, user__in=visible)
        .select_related("user")
    )
