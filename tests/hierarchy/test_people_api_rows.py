"""The people lists' roles (accounts.selectors.attach_api_roles): what UserSerializer prints from them is what
it prints from the roles Django's prefetch gives (the path of /api/v1/users/{id} and the pages), for every
viewer, and what each viewer may see of them is role_is_visible()'s to say, the same on either path."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.accounts.selectors import attach_api_roles, user_list, with_api_roles
from apps.hierarchy.api.serializers import UserSerializer
from apps.hierarchy.models import Branch, SchoolClass
from tests.api.helpers import assert_ok
from tests.hierarchy.conftest import in_acme

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread_roles(ids):
    """Roles across both branches and a third one: held where each viewer sees them, and where they do not."""
    with in_acme():
        east = Branch.objects.create(code="east", name="East Campus")
        chemistry = SchoolClass.objects.create(branch=east, name="Chemistry 1", term="")
        RoleAssignment.objects.create(user_id=ids.south_teacher, role="student", branch_id=ids.north)
        RoleAssignment.objects.create(
            user_id=ids.student, role="teacher", branch_id=ids.south, school_class_id=ids.biology
        )
        RoleAssignment.objects.create(user_id=ids.student, role="branch_manager", branch=east)
        RoleAssignment.objects.create(
            user_id=ids.teacher, role="student", branch=east, school_class=chemistry
        )
        RoleAssignment.objects.create(user_id=ids.south_student, role="org_admin")
        RoleAssignment.objects.create(user_id=ids.manager, role="teacher", branch=east)


def serialized(people, viewer) -> list[dict]:
    return UserSerializer(people, many=True, context={"scope": scope_of(viewer)}).data


@pytest.mark.parametrize("viewer_fixture", ["acme_admin", "acme_manager", "acme_teacher"])
def test_attached_roles_print_as_the_prefetched_ones(request, spread_roles, viewer_fixture):
    viewer = request.getfixturevalue(viewer_fixture)
    with in_acme():
        prefetched = serialized(list(user_list(viewer=viewer).order_by("email")), viewer)
        people = list(with_api_roles(user_list(viewer=viewer)).order_by("email"))
        with CaptureQueriesContext(connection) as queries:
            attach_api_roles(people)
        attached = serialized(people, viewer)

    assert len(queries) == 1
    assert attached == prefetched
    assert sum(len(person["roles"]) for person in attached) >= len(attached)


def test_a_viewer_sees_only_the_roles_they_may_know_of(spread_roles, acme_teacher):
    with in_acme():
        people = list(with_api_roles(user_list(viewer=acme_teacher)).order_by("email"))
        attach_api_roles(people)
        printed = {person["email"]: person["roles"] for person in serialized(people, acme_teacher)}
        held = {person.email: len(person.api_roles) for person in people}

    # The student of their class also teaches in south and manages east: the teacher knows only of Algebra.
    assert [role["role"] for role in printed["student@acme.example.com"]] == ["student"]
    assert held["student@acme.example.com"] == 3


def test_nobody_to_attach_to_reads_nothing():
    with CaptureQueriesContext(connection) as queries:
        attach_api_roles([])

    assert len(queries) == 0


@pytest.mark.parametrize("viewer", ["org_admin", "branch_manager", "teacher"])
def test_the_lists_print_each_person_as_their_detail_does(spread_roles, ids, clients, viewer):
    client = clients[viewer]
    listed = assert_ok(client.get("/api/v1/users", {"per_page": 50}))
    in_north = assert_ok(client.get(f"/api/v1/organizations/{ids.org}/branches/{ids.north}/users"))

    assert listed
    for person in [*listed, *in_north]:
        assert person == assert_ok(client.get(f"/api/v1/users/{person['id']}"))
