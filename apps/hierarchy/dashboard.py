"""The hierarchy's cards on the dashboard (apps.core.dashboard, registered from HierarchyConfig.ready()):
the getting-started checklist, the organization's counts for Org Admins, and one section per role the viewer
holds in branches and classes. Each reads through the selectors, scoped by the viewer, in a fixed number of
queries whatever the number of people."""

from collections import defaultdict

from django.db.models import Count, Q

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.accounts.selectors import user_list
from apps.core.dashboard import register_card

from . import onboarding, selectors

Role = RoleAssignment.Role
# Aggregating selectors lose the models' default ordering (GROUP BY): cards order explicitly.
CLASS_ORDER = ("branch__name", "name", "term", "pk")


def checklist(request) -> dict | None:
    """The getting-started checklist, unless the viewer has none or hid it (it stays on its own page)."""
    found = onboarding.onboarding_checklist(viewer=request.user)
    if found is None or found.dismissed:
        return None
    return {"checklist": found}


def is_org_admin(request) -> bool:
    return scope_of(request.user).is_org_admin


def organization(request) -> dict:
    """People by status and by role, and the numbers of branches and classes."""
    viewer = request.user
    people = user_list(viewer=viewer)
    by_status = people.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status="active")),
        invited=Count("pk", filter=Q(status="invited")),
        deactivated=Count("pk", filter=Q(status="deactivated")),
    )
    role_counts = dict(
        people.prefetch_related(None)
        .filter(role_assignments__isnull=False)
        .order_by()
        .values_list("role_assignments__role")
        .annotate(n=Count("pk", distinct=True))
    )
    return {
        "admin": {
            "people": by_status,
            "roles": [(value, label, role_counts.get(value, 0)) for value, label in Role.choices],
            "branch_count": selectors.branch_list(viewer=viewer).count(),
            "class_count": selectors.class_list(viewer=viewer).count(),
        }
    }


def managed_branches(request) -> dict | None:
    """The branches the viewer manages, each with its classes."""
    viewer = request.user
    branch_ids = scope_of(viewer).managed_branch_ids
    if not branch_ids:
        return None
    branches = list(selectors.branch_list(viewer=viewer).filter(pk__in=branch_ids).order_by("name", "pk"))
    classes = defaultdict(list)
    rows = selectors.class_list(viewer=viewer).filter(branch_id__in=branch_ids).order_by(*CLASS_ORDER)
    for school_class in rows:
        classes[school_class.branch_id].append(school_class)
    for branch in branches:
        branch.class_rows = classes[branch.pk]
    return {"managed_branches": branches}


def teaching_classes(request) -> dict | None:
    """The classes the viewer teaches, each with its students."""
    viewer = request.user
    class_ids = scope_of(viewer).teaching_class_ids
    if not class_ids:
        return None
    classes = list(selectors.class_list(viewer=viewer).filter(pk__in=class_ids).order_by(*CLASS_ORDER))
    learners = RoleAssignment.objects.filter(school_class_id__in=class_ids, role=Role.STUDENT).values(
        "user_id"
    )
    students = defaultdict(list)
    for person in user_list(viewer=viewer).filter(pk__in=learners):
        for assignment in person.role_assignments.all():
            if assignment.role == Role.STUDENT and assignment.school_class_id in class_ids:
                students[assignment.school_class_id].append(person)
    for school_class in classes:
        school_class.student_rows = students[school_class.pk]
    return {"teaching": classes}


def learning_classes(request) -> dict | None:
    """A learner's classes and branches."""
    viewer = request.user
    scope = scope_of(viewer)
    if not (scope.learning_class_ids or Role.STUDENT in scope.roles):
        return None
    classes = selectors.class_list(viewer=viewer).filter(pk__in=scope.learning_class_ids)
    return {
        "learning_classes": list(classes.order_by(*CLASS_ORDER)),
        "learning_branches": list(selectors.branch_list(viewer=viewer).order_by("name", "pk")),
    }


def register() -> None:
    register_card("checklist", template="org/cards/checklist.html", context=checklist, order=10)
    register_card(
        "organization",
        template="org/cards/organization.html",
        context=organization,
        visible=is_org_admin,
        order=30,
    )
    register_card(
        "managed_branches", template="org/cards/managed_branches.html", context=managed_branches, order=50
    )
    register_card(
        "teaching_classes", template="org/cards/teaching_classes.html", context=teaching_classes, order=60
    )
    register_card(
        "learning_classes", template="org/cards/learning_classes.html", context=learning_classes, order=70
    )
