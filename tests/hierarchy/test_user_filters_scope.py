"""Filters on people reveal no role the caller may not know of.

`filter[role]`, `filter[branch]` and `filter[class]` on /api/v1/users (and on a branch's people), and the
member lists of branches and classes, match only the roles the caller may see
(apps.accounts.selectors.role_is_visible): a Teacher the roles in their classes, a Branch Manager those in their
branches, everyone their own roles and the organization's Org Admins. Someone the caller sees through
one role is not found through a role they hold elsewhere.

acme: north (manager@; Algebra 1: teacher@, student@), south (Biology 1: south-teacher@, south-student@).
"""

import pytest

from apps.accounts import selectors
from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from tests.api.helpers import assert_error, assert_ok
from tests.hierarchy.conftest import in_acme

pytestmark = pytest.mark.django_db


def emails(response) -> list[str]:
    return [person["email"] for person in assert_ok(response)]


def grant(user_id, role, *, branch=None, school_class=None):
    with in_acme():
        return RoleAssignment.objects.create(
            user_id=user_id, role=role, branch_id=branch, school_class_id=school_class
        )


# --- /api/v1/users ------------------------------------------------------------------------------------------


def test_a_teacher_cannot_learn_who_manages_another_branch_by_filtering_on_the_role(ids, teacher_api):
    # Given student@ of the teacher's class also manages south
    grant(ids.student, "branch_manager", branch=ids.south)

    managers = teacher_api.get("/api/v1/users", {"filter[role]": "branch_manager"})
    managers_of_south = teacher_api.get(
        "/api/v1/users", {"filter[role]": "branch_manager", "filter[branch]": "south"}
    )

    assert emails(managers) == []
    assert emails(managers_of_south) == []


def test_a_teacher_still_finds_the_roles_of_their_own_class(ids, teacher_api):
    grant(ids.student, "branch_manager", branch=ids.south)

    students = teacher_api.get("/api/v1/users", {"filter[role]": "student"})
    in_algebra = teacher_api.get("/api/v1/users", {"filter[class]": ids.algebra, "filter[role]": "student"})
    teachers_in_north = teacher_api.get(
        "/api/v1/users", {"filter[role]": "teacher", "filter[branch]": "north"}
    )

    assert emails(students) == ["student@acme.example.com"]
    assert emails(in_algebra) == ["student@acme.example.com"]
    assert emails(teachers_in_north) == ["teacher@acme.example.com"]


def test_a_branch_manager_cannot_find_their_people_through_roles_in_another_branch(ids, manager_api):
    # Given student@ (north) also learns in Biology 1 (south)
    grant(ids.student, "student", branch=ids.south, school_class=ids.biology)

    in_south = manager_api.get("/api/v1/users", {"filter[branch]": "south"})
    in_biology = manager_api.get("/api/v1/users", {"filter[class]": ids.biology})
    in_north = manager_api.get("/api/v1/users", {"filter[branch]": "north", "filter[role]": "student"})

    assert emails(in_south) == []
    assert emails(in_biology) == []
    assert emails(in_north) == ["student@acme.example.com"]


def test_a_teacher_cannot_find_a_student_through_a_class_they_do_not_teach(ids, teacher_api):
    grant(ids.student, "student", branch=ids.south, school_class=ids.biology)

    in_biology = teacher_api.get("/api/v1/users", {"filter[class]": ids.biology})
    in_biology_or_algebra = teacher_api.get(
        "/api/v1/users", {"filter[class][in]": f"{ids.biology},{ids.algebra}", "filter[role]": "student"}
    )

    assert emails(in_biology) == []
    assert emails(in_biology_or_algebra) == ["student@acme.example.com"]


def test_everyone_finds_their_own_roles_and_the_org_admins(ids, acme_admin, student_api, teacher_api):
    grant(ids.student, "student", branch=ids.south, school_class=ids.biology)
    # An Org Admin who is also a student in Algebra 1, so the teacher sees them
    grant(acme_admin.pk, "student", branch=ids.north, school_class=ids.algebra)

    mine_in_south = student_api.get("/api/v1/users", {"filter[branch]": "south"})
    admins = teacher_api.get("/api/v1/users", {"filter[role]": "org_admin"})

    assert emails(mine_in_south) == ["student@acme.example.com"]
    assert emails(admins) == [acme_admin.email]


def test_org_admins_filter_on_every_role(ids, admin_api):
    grant(ids.student, "branch_manager", branch=ids.south)

    managers_of_south = admin_api.get(
        "/api/v1/users", {"filter[role]": "branch_manager", "filter[branch]": "south"}
    )

    assert emails(managers_of_south) == ["student@acme.example.com"]


def test_role_and_class_filters_still_refuse_values_that_do_not_fit(teacher_api):
    bad_role = teacher_api.get("/api/v1/users", {"filter[role]": "overlord"})
    bad_class = teacher_api.get("/api/v1/users", {"filter[class]": "algebra"})
    bad_class_list = teacher_api.get("/api/v1/users", {"filter[class][in]": "1,two"})

    assert list(assert_error(bad_role, 400, "INVALID_FILTER")["details"]) == ["role"]
    assert list(assert_error(bad_class, 400, "INVALID_FILTER")["details"]) == ["class"]
    assert list(assert_error(bad_class_list, 400, "INVALID_FILTER")["details"]) == ["class"]


# --- a branch's people and a class's members ----------------------------------------------------------------


def test_a_branch_people_list_shows_only_people_whose_role_there_the_caller_may_see(ids, teacher_api):
    # Given teacher@ also learns in Biology 1 (so south is one of their branches), and so does student@
    grant(ids.teacher, "student", branch=ids.south, school_class=ids.biology)
    grant(ids.student, "student", branch=ids.south, school_class=ids.biology)

    south_people = teacher_api.get(f"/api/v1/organizations/{ids.org}/branches/{ids.south}/users")
    filtered = teacher_api.get(
        f"/api/v1/organizations/{ids.org}/branches/{ids.south}/users", {"filter[role]": "student"}
    )

    assert emails(south_people) == ["teacher@acme.example.com"]
    assert emails(filtered) == ["teacher@acme.example.com"]


def test_filters_on_a_branch_people_list_match_only_roles_the_caller_may_see(ids, manager_api):
    # Given student@ (north) also manages south
    grant(ids.student, "branch_manager", branch=ids.south)

    managers = manager_api.get(
        f"/api/v1/organizations/{ids.org}/branches/{ids.north}/users", {"filter[role]": "branch_manager"}
    )

    assert emails(managers) == ["manager@acme.example.com"]


def test_a_class_member_list_shows_only_roles_the_caller_may_see(ids, teacher_api):
    grant(ids.teacher, "student", branch=ids.south, school_class=ids.biology)
    grant(ids.student, "student", branch=ids.south, school_class=ids.biology)

    members = assert_ok(teacher_api.get(f"/api/v1/classes/{ids.biology}/members"))

    assert [(row["user"]["email"], row["role"]) for row in members] == [
        ("teacher@acme.example.com", "student")
    ]


# --- the rule itself ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "teacher", "student", "south-teacher", "admin"])
def test_the_role_filter_agrees_with_role_is_visible(ids, acme, acme_admin, who):
    from tests.conftest import person

    grant(ids.student, "branch_manager", branch=ids.south)
    grant(ids.student, "student", branch=ids.south, school_class=ids.biology)
    grant(ids.south_teacher, "student", branch=ids.north, school_class=ids.algebra)
    viewer = acme_admin if who == "admin" else person(acme, who)
    with in_acme():
        scope = scope_of(viewer)
        every = list(RoleAssignment.objects.order_by("pk"))
        expected = [a.pk for a in every if selectors.role_is_visible(scope, a)]
        filtered = list(
            selectors.visible_role_assignments(viewer=viewer).order_by("pk").values_list("pk", flat=True)
        )

    assert filtered == expected


def test_every_api_filter_through_someones_roles_is_scoped_to_the_visible_ones():
    """A guard for views to come: a filter whose ORM path runs through role assignments must declare
    `filter_scopes` (apps.core.api.filtering), or it could find people through roles out of sight."""
    from django.conf import settings

    from tests.urls import view_classes

    unscoped, checked = set(), set()
    for view in view_classes(settings.ROOT_URLCONF):
        paths = getattr(view, "filter_paths", {})
        through_roles = [
            name
            for name in getattr(view, "filter_fields", {})
            if "role_assignments" in paths.get(name, name.replace(".", "__"))
        ]
        if through_roles:
            checked.add(view.__name__)
            if not hasattr(view, "filter_scopes"):
                unscoped.add(view.__name__)

    assert unscoped == set()
    assert {"UserListView", "BranchUserListView"} <= checked
