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
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("branch", "school_class").order_by("pk"),
        )
    )


def user_list(*, viewer, search: str = "") -> QuerySet:
    """Org Admins see everyone; Branch Managers the people of their branches; Teachers the people of their
    classes; everyone sees themselves. `search` matches part of the email or the name."""
    scope = scope_of(viewer)
    queryset = User.objects.all()
    if not scope.is_org_admin:
        visible = Q(pk=scope.user_id)
        if scope.managed_branch_ids:
            visible |= Q(role_assignments__branch_id__in=scope.managed_branch_ids)
        if scope.teaching_class_ids:
            visible |= Q(role_assignments__school_class_id__in=scope.teaching_class_ids)
        queryset = queryset.filter(pk__in=User.objects.filter(visible).values("pk"))
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    return _with_roles(queryset)


def user_get(*, viewer, pk):
    return user_list(viewer=viewer).filter(pk=pk).first() if str(pk).isdigit() else None


def people_holding(*, viewer, people: QuerySet | None = None, **role) -> QuerySet:
    """Of `people` (default: user_list()), those holding a role that matches `role` (RoleAssignment lookups,
    all on one and the same role: `role="teacher", branch=north` is "teaches in north") among the roles the
    viewer may know of: nobody is found through a role held out of the viewer's sight."""
    people = user_list(viewer=viewer) if people is None else people
    held = Q(**{f"role_assignments__{lookup}": value for lookup, value in role.items()})
    scope = visible_role_condition(scope_of(viewer), prefix="role_assignments__")
    return people.filter(held if scope is None else held & scope).distinct()


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


def role_is_visible(scope, assignment: RoleAssignment) -> bool:
    """Whether a viewer with `scope` may know of `assignment`: Org Admins know every role; others know a
    person's organization-wide roles, their own roles, and roles in the branches they manage or the classes
    they teach, never the roles someone holds in another branch or class."""
    return (
        scope.is_org_admin
        or assignment.user_id == scope.user_id
        or assignment.role == RoleAssignment.Role.ORG_ADMIN
        or (assignment.branch_id is not None and assignment.branch_id in scope.managed_branch_ids)
        or (assignment.school_class_id is not None and assignment.school_class_id in scope.teaching_class_ids)
    )


def visible_role_condition(scope, *, prefix: str = "") -> Q | None:
    """role_is_visible() as a filter on role assignments (`prefix`: the ORM path to them, e.g.
    "role_assignments__" from people); None when every role is visible (Org Admins). Filters on people's
    roles go through it, so that filtering finds no one through a role the list would not show."""
    if scope.is_org_admin:
        return None
    return (
        Q(**{f"{prefix}user_id": scope.user_id or 0})
        | Q(**{f"{prefix}role": RoleAssignment.Role.ORG_ADMIN})
        | Q(**{f"{prefix}branch_id__in": sorted(scope.managed_branch_ids)})
        | Q(**{f"{prefix}school_class_id__in": sorted(scope.teaching_class_ids)})
    )


def visible_role_assignments(*, viewer) -> QuerySet[RoleAssignment]:
    """Every role assignment the viewer may know of (of anyone; combine with user_list() for people)."""
    condition = visible_role_condition(scope_of(viewer))
    queryset = RoleAssignment.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def visible_roles(*, viewer, user) -> list[RoleAssignment]:
    """`user`'s roles that `viewer` may know of (uses the prefetched role_assignments of user_list())."""
    scope = scope_of(viewer)
    return [assignment for assignment in user.role_assignments.all() if role_is_visible(scope, assignment)]


def role_assignment_get(*, viewer, user, pk) -> RoleAssignment | None:
    """One of `user`'s roles by id, if the viewer may see that person and that role."""
    if not str(pk).isdigit():
        return None
    assignment = (
        RoleAssignment.objects.select_related("user", "branch", "school_class")
        .filter(pk=pk, user=user)
        .first()
    )
    if assignment is None or not role_is_visible(scope_of(viewer), assignment):
        return None
    return assignment
