"""A filter through a to-many relation lists each row once (DISTINCT); a filter on the row's own columns or
through to-one relations needs none, so the page's total rides on the page's own query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import RoleAssignment, User
from apps.hierarchy.models import Branch, SchoolClass
from tests.api.helpers import assert_ok
from tests.conftest import client_for, in_org, jwt_for


def test_a_filter_through_roles_lists_a_person_with_two_matching_roles_once(acme, acme_admin):
    with in_org(acme):
        north = Branch.objects.get(code="north")
        second = SchoolClass.objects.create(branch=north, name="Geometry 1", term="2026")
        person = User.objects.create_user("twice@acme.example.com", full_name="Twice")
        RoleAssignment.objects.create(user=person, role="student", branch=north, school_class=second)
        RoleAssignment.objects.create(
            user=person, role="student", branch=north, school_class=SchoolClass.objects.get(name="Algebra 1")
        )
    client = client_for("acme", token=jwt_for(acme, acme_admin))

    response = client.get("/api/v1/users", {"filter[branch]": "north", "filter[email][like]": "twice"})

    assert [row["email"] for row in assert_ok(response)] == ["twice@acme.example.com"]
    assert response.json()["meta"]["total"] == 1


def test_a_filter_on_own_columns_reads_the_page_and_its_total_in_one_query(acme, acme_admin):
    client = client_for("acme", token=jwt_for(acme, acme_admin))
    path = "/api/v1/users?filter[email][like]=acme.example.com&per_page=2"
    client.get(path)  # warm: the organization and the throttle are looked up and cached once

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)

    assert len(assert_ok(response)) == 2
    assert response.json()["meta"]["total"] == 6  # orgadmin@ and the five people of the structure
    sql = [query["sql"] for query in captured]
    assert not any(statement.startswith("SELECT COUNT(*)") for statement in sql)
    assert any("COUNT(*) OVER ()" in statement for statement in sql)
