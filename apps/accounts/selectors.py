"""Reads on people and their roles, always scoped by the viewer (apps.accounts.permissions): Org Admins see
everyone; Branch Managers the people of their branches; Teachers the people of their classes; everyone sees
themselves. Of a person's roles a viewer knows only those role_is_visible() allows.

A person outside the viewer's scope is simply not in the queryset, so pages and the API answer 404 for
them, the same as for someone who does not exist. The writes are next door, in apps/accounts/services.py;
the people of one branch or class are read in apps/hierarchy/selectors.py, over these.
"""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from .models import RoleAssignment
from .permissions import scope_of

User = get_user_model()


def _roles_prefetch(roles: QuerySet) -> Prefetch:
    """People's roles with their branch and class, in the order they were given."""
    return Prefetch(
        "role_assignments", queryset=roles.select_related("branch", "school_class").order_by("pk")
    )


def _with_roles(queryset):
    # Not the branch's settings, texts and address nor the class's description: no list of people shows
    # them, and reading a branch's JSON settings for every role was a tenth of the list's cost.
    return queryset.prefetch_related(
        _roles_prefetch(
            RoleAssignment.objects.defer(
                "branch__settings", "branch__welcome_text", "branch__address", "school_class__description"
            )
        )
    )


# What the API's RoleSerializer prints of a role, its branch and its class (and what role_is_visible reads).
API_ROLE_COLUMNS = (
    "id",
    "user_id",
    "role",
    "branch_id",
    "school_class_id",
    "created_at",
    "branch__code",
    "branch__name",
    "school_class__name",
    "school_class__term",
)


def with_api_roles(queryset: QuerySet) -> QuerySet:
    """People of user_list() without their roles, for the API's lists: attach_api_roles() reads them for
    the page shown. For reading."""
    return queryset.prefetch_related(None)


def attach_api_roles(people: list) -> None:
    """Set `api_roles` on each of `people` (a page of with_api_roles()): all their roles, in the order they
    were given, as plain objects (a role, its `branch`, its `school_class`) read in one query of
    API_ROLE_COLUMNS. Django's prefetch built a related manager and a filtered queryset per person and three
    model instances per role: most of a people list's cost. Which of them a viewer may see is still
    role_is_visible()'s to say (the API's VisibleRoleList)."""
    if not people:
        return
    roles = {person.pk: [] for person in people}
    rows = RoleAssignment.objects.filter(user_id__in=roles).order_by("pk").values_list(*API_ROLE_COLUMNS)
    for pk, user_id, role, branch_id, class_id, created_at, code, branch_name, class_name, term in rows:
        roles[user_id].append(
            SimpleNamespace(
                id=pk,
                user_id=user_id,
                role=role,
                branch_id=branch_id,
                school_class_id=class_id,
                created_at=created_at,
                branch=(
                    None if branch_id is None else SimpleNamespace(id=branch_id, code=code, name=branch_name)
                ),
                school_class=(
                    None if class_id is None else SimpleNamespace(id=class_id, name=class_name, term=term)
                ),
            )
        )
    for person in people:
        person.api_roles = roles[person.pk]


def visible_people(*, viewer) -> QuerySet:
    """The people user_list() shows the viewer, bare (no roles): what filters on other rows use
    (`user_id__in=visible_people(viewer=viewer).values("pk")`). Someone who manages and teaches nothing sees
    only themselves: a plain `pk =` filter, no subquery."""
    scope = scope_of(viewer)
    if scope.is_org_admin:
        return User.objects.all()
    if not scope.managed_branch_ids and not scope.teaching_class_ids:
        return User.objects.filter(pk=scope.user_id or 0)
    visible = Q(pk=scope.user_id)
    if scope.managed_branch_ids:
        visible |= Q(role_assignments__branch_id__in=scope.managed_branch_ids)
    if scope.teaching_class_ids:
        visible |= Q(role_assignments__school_class_id__in=scope.teaching_class_ids)
    return User.objects.filter(pk__in=User.objects.filter(visible).values("pk"))


def user_list(*, viewer, search: str = "") -> QuerySet:
    """Org Admins see everyone; Branch Managers the people of their branches; Teachers the people of their
    classes; everyone sees themselves. `search` matches part of the email or the name."""
    queryset = visible_people(viewer=viewer)
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    return _with_roles(queryset)


def user_get(*, viewer, pk):
    return user_list(viewer=viewer).filter(pk=pk).first() if str(pk).isdigit() else None


def person_find(*, viewer, pk):
    """The person if the viewer may see them, without their roles: for reads that only need to know they
    are the viewer's to see (their enrollments, their progress). Everyone sees themselves: asked for their
    own id, the viewer is the answer, without a query."""
    if not str(pk).isdigit():
        return None
    scope = scope_of(viewer)
    if (
        scope.user_id is not None
        and scope.user_id == int(pk)
        and getattr(viewer, "pk", None) == scope.user_id
    ):
        return viewer
    return visible_people(viewer=viewer).filter(pk=pk).first()


def people_holding(*, viewer, people: QuerySet | None = None, **role) -> QuerySet:
    """Of `people` (default: user_list()), those holding a role that matches `role` (RoleAssignment lookups,
    all on one and the same role: `role="teacher", branch=north` is "teaches in north") among the roles the
    viewer may know of: nobody is found through a role held out of the viewer's sight."""
    people = user_list(viewer=viewer) if people is None else people
    held = Q(**role)
    scope = visible_role_condition(scope_of(viewer))
    # One role row matches every condition; `pk IN (...)` lists each person once without DISTINCT.
    holders = RoleAssignment.objects.filter(held if scope is None else held & scope).values("user_id")
    return people.filter(pk__in=holders)


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
