"""What each role may do, as apps/accounts/permissions.py decides it: the viewer's Scope (read once per
request), and the DRF permission classes built on it.

In acme: manager@ manages north; teacher@ teaches Algebra 1 (north); student@ learns in Algebra 1;
south-teacher@ / south-student@ in Biology 1 (south)."""

from types import SimpleNamespace

import pytest

from tests.conftest import PASSWORD, client_for, in_org, jwt_for, person


@pytest.fixture
def places(acme):
    from apps.hierarchy.models import Branch, SchoolClass

    with in_org(acme):
        return SimpleNamespace(
            north=Branch.objects.get(code="north").pk,
            south=Branch.objects.get(code="south").pk,
            algebra=SchoolClass.objects.get(name="Algebra 1").pk,
            biology=SchoolClass.objects.get(name="Biology 1").pk,
        )


def scope(organization, user):
    from apps.accounts.permissions import scope_of

    with in_org(organization):
        return scope_of(user)


def new_person(organization, local: str, *roles):
    """A person in `organization` holding `roles`: (role, branch id or None, class id or None) each."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment

    with in_org(organization):
        user = get_user_model().objects.create_user(f"{local}@acme.example.com", PASSWORD, full_name=local)
        for role, branch_id, class_id in roles:
            RoleAssignment.objects.create(user=user, role=role, branch_id=branch_id, school_class_id=class_id)
    return user


def test_an_org_admin_manages_every_branch_and_the_whole_organization(acme, acme_admin, places):
    admin = scope(acme, acme_admin)

    assert admin.is_org_admin
    assert admin.manages_branch(places.north)
    assert admin.manages_branch(places.south)
    assert admin.manages_branch(None)  # organization-wide
    assert admin.can_manage_people()
    assert admin.can_author()
    assert admin.member_branch_ids == frozenset()  # an org-wide role is in no branch


def test_a_branch_manager_manages_their_branch_only(acme, acme_manager, places):
    manager = scope(acme, acme_manager)

    assert not manager.is_org_admin
    assert manager.is_branch_manager
    assert manager.managed_branch_ids == {places.north}
    assert manager.manages_branch(places.north)
    assert not manager.manages_branch(places.south)
    assert not manager.manages_branch(None)
    assert manager.can_manage_people()
    assert manager.can_author()
    assert not manager.is_teacher
    assert manager.class_ids == frozenset()
    assert manager.member_branch_ids == {places.north}


def test_a_teacher_teaches_their_class_and_manages_nothing(acme, acme_teacher, places):
    teacher = scope(acme, acme_teacher)

    assert teacher.is_teacher
    assert teacher.can_author()
    assert teacher.teaching_class_ids == {places.algebra}
    assert teacher.learning_class_ids == frozenset()
    assert teacher.class_ids == {places.algebra}
    assert not teacher.is_branch_manager
    assert not teacher.can_manage_people()
    assert not teacher.manages_branch(places.north)
    assert teacher.member_branch_ids == {places.north}


def test_a_teacher_who_has_no_class_yet_is_a_teacher_and_may_author(acme, places):
    newcomer = new_person(acme, "newcomer", ("teacher", places.south, None))

    teacher = scope(acme, newcomer)

    assert teacher.is_teacher
    assert teacher.can_author()
    assert teacher.teaching_class_ids == frozenset()
    assert teacher.member_branch_ids == {places.south}
    assert not teacher.can_manage_people()


def test_a_teacher_with_no_class_may_create_a_course(acme, places):
    newcomer = new_person(acme, "newcomer", ("teacher", places.south, None))
    client = client_for("acme", token=jwt_for(acme, newcomer))

    response = client.post("/api/v1/courses", {"title": "Chemistry basics"}, format="json")

    assert response.status_code == 201, response.content


def test_a_student_learns_in_their_class_and_may_not_author(acme, acme_student, places):
    student = scope(acme, acme_student)

    assert student.learning_class_ids == {places.algebra}
    assert student.class_ids == {places.algebra}
    assert student.teaching_class_ids == frozenset()
    assert not student.is_teacher
    assert not student.can_author()
    assert not student.can_manage_people()
    assert student.member_branch_ids == {places.north}


def test_a_student_of_a_branch_without_a_class_is_in_that_branch_only(acme, places):
    pupil = new_person(acme, "pupil", ("student", places.south, None))

    student = scope(acme, pupil)

    assert student.learning_class_ids == frozenset()
    assert student.member_branch_ids == {places.south}
    assert not student.is_teacher


def test_someone_who_teaches_one_class_and_learns_in_another_sees_both(acme, places):
    both = new_person(
        acme, "both", ("teacher", places.north, places.algebra), ("student", places.south, places.biology)
    )

    viewer = scope(acme, both)

    assert viewer.teaching_class_ids == {places.algebra}
    assert viewer.learning_class_ids == {places.biology}
    assert viewer.class_ids == {places.algebra, places.biology}
    assert viewer.member_branch_ids == {places.north, places.south}
    assert viewer.roles == {"teacher", "student"}


def test_someone_who_teaches_and_learns_in_the_same_class_still_sees_it(acme, places):
    both = new_person(
        acme, "both", ("teacher", places.north, places.algebra), ("student", places.north, places.algebra)
    )

    viewer = scope(acme, both)

    assert viewer.class_ids == {places.algebra}


def test_nobody_signed_in_or_deactivated_has_no_scope(acme, places):
    from django.contrib.auth.models import AnonymousUser

    from apps.accounts.permissions import NOBODY

    gone = new_person(acme, "gone", ("teacher", places.north, places.algebra))
    gone.status = gone.Status.DEACTIVATED

    assert scope(acme, None) == NOBODY
    assert scope(acme, AnonymousUser()) == NOBODY
    assert scope(acme, gone) == NOBODY
    assert NOBODY.user_id is None
    assert not NOBODY.can_author()
    assert not NOBODY.manages_branch(places.north)


def role_queries(queries) -> int:
    return sum("roleassignment" in q["sql"] for q in queries.captured_queries)


def test_the_scope_is_read_once_and_forgotten_on_request(acme, acme_teacher):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.permissions import forget_scope, is_org_admin, scope_of

    with in_org(acme), CaptureQueriesContext(connection) as queries:
        first = scope_of(acme_teacher)
        assert role_queries(queries) == 1
        assert scope_of(acme_teacher) is first
        assert not is_org_admin(acme_teacher)
        assert role_queries(queries) == 1
        forget_scope(acme_teacher)
        forget_scope(acme_teacher)  # forgetting twice is fine
        again = scope_of(acme_teacher)
        assert role_queries(queries) == 2

    assert again == first
    assert again.user_id == acme_teacher.pk


# --- the DRF permission classes ---------------------------------------------------------------------------


def org_url(acme) -> str:
    return f"/api/v1/organizations/{acme.pk}"


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_members_who_are_not_admins_may_read_their_organization(acme, method):
    for local in ("teacher", "student", "manager"):
        client = client_for("acme", token=jwt_for(acme, person(acme, local)))

        response = getattr(client, method)(org_url(acme))

        assert response.status_code == 200, (local, method, response.content)


def test_members_who_are_not_admins_may_not_change_their_organization(acme, acme_teacher):
    client = client_for("acme", token=jwt_for(acme, acme_teacher))

    response = client.patch(org_url(acme), {"name": "Teacher's Academy"}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Only Org Admins may change this."


def test_an_org_admin_may_change_their_organization(acme, acme_admin_client):
    response = acme_admin_client.patch(org_url(acme), {"name": "Acme Academy Two"}, format="json")

    assert response.status_code == 200, response.content


def test_nobody_signed_in_may_not_read_the_organization(acme, acme_client):
    assert acme_client.get(org_url(acme)).status_code == 401
    assert acme_client.head(org_url(acme)).status_code == 401


def test_only_org_admins_may_list_api_keys(acme, acme_admin_client, acme_manager):
    manager = client_for("acme", token=jwt_for(acme, acme_manager))

    refused = manager.get("/api/v1/api-keys")

    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Only Org Admins may do this."
    assert acme_admin_client.get("/api/v1/api-keys").status_code == 200


def request_on(tenant, user, method="GET"):
    return SimpleNamespace(tenant=tenant, user=user, method=method)


def test_membership_needs_an_organization_host_and_a_signed_in_person(acme, acme_admin, operator):
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from apps.accounts.permissions import IsOrgAdmin, IsOrgAdminOrReadOnly, IsOrgMember
    from tenants.models import Organization

    public = Organization.objects.get(schema_name="public")
    connection.set_schema_to_public()

    for permission in (IsOrgMember(), IsOrgAdmin(), IsOrgAdminOrReadOnly()):
        assert not permission.has_permission(request_on(None, acme_admin), None)
        assert not permission.has_permission(request_on(public, operator), None)
        assert not permission.has_permission(request_on(acme, AnonymousUser()), None)
        assert not permission.has_permission(request_on(acme, None), None)
    with in_org(acme):
        assert IsOrgMember().has_permission(request_on(acme, acme_admin), None)
        assert IsOrgAdmin().has_permission(request_on(acme, acme_admin), None)
        assert IsOrgAdminOrReadOnly().has_permission(request_on(acme, acme_admin, "DELETE"), None)
