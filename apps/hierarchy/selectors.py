"""Reads on branches, classes and people, always scoped by the viewer.

An object outside the viewer's scope is simply not in the queryset, so views answer 404 for it, the
same as for an object that does not exist.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of

from .models import Branch, SchoolClass

User = get_user_model()


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


def _with_roles(queryset):
    return queryset.prefetch_related(
        Prefetch("role_assignments",
                 queryset=RoleAssignment.objects.select_related("branch", "school_class").order_by("pk"))
    )


def user_list(*, viewer) -> QuerySet:
    """Org Admins see everyone; Branch Managers the people of their branches; Teachers the people of their
    classes; everyone sees themselves."""
    scope = scope_of(viewer)
    queryset = User.objects.all()
    if not scope.is_org_admin:
        visible = Q(pk=scope.user_id)
        if scope.managed_branch_ids:
            visible |= Q(role_assignments__branch_id__in=scope.managed_branch_ids)
        if scope.teaching_class_ids:
            visible |= Q(role_assignments__school_class_id__in=scope.teaching_class_ids)
        queryset = queryset.filter(pk__in=User.objects.filter(visible).values("pk"))
    return _with_roles(queryset)


def user_get(*, viewer, pk):
    return user_list(viewer=viewer).filter(pk=pk).first() if str(pk).isdigit() else None


def class_members(*, viewer, school_class: SchoolClass, role: str | None = None) -> QuerySet:
    queryset = user_list(viewer=viewer).filter(role_assignments__school_class=school_class)
    if role:
        queryset = queryset.filter(role_assignments__school_class=school_class, role_assignments__role=role)
    return queryset.distinct()


def branch_members(*, viewer, branch: Branch) -> QuerySet:
    return user_list(viewer=viewer).filter(role_assignments__branch=branch).distinct()
