"""List endpoints run the same number of queries for 5 rows as for 30 (no query per row)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import RoleAssignment, User
from apps.hierarchy.models import Branch, SchoolClass
from tests.api.helpers import assert_ok
from tests.hierarchy.conftest import in_acme


def queries(client, path, params, expected_rows: int) -> int:
    client.get(path, params)  # warm: the organization and the throttle are looked up and cached once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert len(assert_ok(response)) == expected_rows
    return len(captured)


def add_people(ids, start: int, stop: int) -> None:
    """People bulk-NN, each a student of Algebra 1 and of south's branch, so each row has roles to show."""
    with in_acme():
        for n in range(start, stop):
            person = User.objects.create_user(f"bulk-{n:02d}@acme.example.com", full_name=f"Bulk {n}")
            RoleAssignment.objects.create(
                user=person, role="student", branch_id=ids.north, school_class_id=ids.algebra
            )
            RoleAssignment.objects.create(user=person, role="student", branch_id=ids.south)


def add_branches(start: int, stop: int) -> None:
    with in_acme():
        for n in range(start, stop):
            branch = Branch.objects.create(name=f"Bulk {n:02d}", code=f"bulk-{n:02d}")
            SchoolClass.objects.create(branch=branch, name=f"Bulk class {n:02d}")


def test_user_list_queries_do_not_grow_with_rows(ids, admin_api):
    params = {"filter[email][like]": "bulk-", "per_page": 100}
    add_people(ids, 0, 5)
    few = queries(admin_api, "/api/v1/users", params, 5)

    add_people(ids, 5, 30)
    many = queries(admin_api, "/api/v1/users", params, 30)

    assert few == many


def test_scoped_user_list_queries_do_not_grow_with_rows(ids, teacher_api):
    params = {"filter[email][like]": "bulk-", "per_page": 100}
    add_people(ids, 0, 5)
    few = queries(teacher_api, "/api/v1/users", params, 5)

    add_people(ids, 5, 30)
    many = queries(teacher_api, "/api/v1/users", params, 30)

    assert few == many


def test_branch_list_queries_do_not_grow_with_rows(ids, admin_api):
    path, params = (
        f"/api/v1/organizations/{ids.org}/branches",
        {"filter[code][like]": "bulk-", "per_page": 100},
    )
    add_branches(0, 5)
    few = queries(admin_api, path, params, 5)

    add_branches(5, 30)
    many = queries(admin_api, path, params, 30)

    assert few == many


def test_class_list_queries_do_not_grow_with_rows(ids, admin_api):
    params = {"filter[name][like]": "Bulk class", "per_page": 100}
    add_branches(0, 5)
    few = queries(admin_api, "/api/v1/classes", params, 5)

    add_branches(5, 30)
    many = queries(admin_api, "/api/v1/classes", params, 30)

    assert few == many


def test_class_member_list_queries_do_not_grow_with_rows(ids, admin_api):
    path, params = (
        f"/api/v1/classes/{ids.algebra}/members",
        {"filter[user.email][like]": "bulk-", "per_page": 100},
    )
    add_people(ids, 0, 5)
    few = queries(admin_api, path, params, 5)

    add_people(ids, 5, 30)
    many = queries(admin_api, path, params, 30)

    assert few == many


def test_branch_people_list_queries_do_not_grow_with_rows(ids, admin_api):
    path, params = (
        f"/api/v1/organizations/{ids.org}/branches/{ids.south}/users",
        {"search": "bulk-", "per_page": 100},
    )
    add_people(ids, 0, 5)
    few = queries(admin_api, path, params, 5)

    add_people(ids, 5, 30)
    many = queries(admin_api, path, params, 30)

    assert few == many


def test_a_branch_with_nobody_matching_answers_an_empty_page_and_a_missing_branch_404(ids, admin_api):
    """The people of a branch are listed without reading the branch first; only an empty page checks that
    the branch exists."""
    path = f"/api/v1/organizations/{ids.org}/branches/{{}}/users"

    empty = admin_api.get(path.format(ids.south), {"search": "nobody-matches-this"})
    missing = admin_api.get(path.format(9_999_999), {"search": "nobody-matches-this"})

    assert assert_ok(empty) == []
    assert missing.status_code == 404


def test_modules_and_media_of_a_missing_course_answer_404(admin_api):
    for path in ("/api/v1/courses/9999999/modules", "/api/v1/courses/9999999/media"):
        assert admin_api.get(path).status_code == 404
