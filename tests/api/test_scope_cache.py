"""The viewer's scope is kept across requests (apps.accounts.permissions, issue 11): a change to someone's
roles drops their entry and nobody else's, and an entry never serves another organization."""

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.accounts import permissions
from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import _scope_key, scope_changed, scope_of, shared_scopes
from apps.accounts.services import RoleSpec, role_grant, role_revoke
from apps.accounts.signals import roles_granted
from apps.hierarchy.models import Branch, SchoolClass
from apps.hierarchy.services import class_update
from benchmarks import cost_table
from tests.api.helpers import assert_ok
from tests.conftest import client_for, in_org, jwt_for, member

Role = RoleAssignment.Role


def fresh(user):
    """The same person as a new request sees them (no scope on the object yet)."""
    return type(user).objects.get(pk=user.pk)


def kept(user) -> bool:
    return caches["default"].get(_scope_key(user.pk)) is not None


def queries_of(user) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        scope = scope_of(user)
    return scope, len(captured)


@pytest.fixture(autouse=True)
def _as_in_a_request():
    """Scopes are shared by requests; these tests read them directly, as a request would."""
    with shared_scopes():
        yield


@pytest.fixture
def people(acme):
    with in_org(acme):
        yield {role: member(acme, role) for role in ("org_admin", "branch_manager", "teacher", "student")}


def test_outside_a_request_a_scope_is_read_every_time(people):
    teacher = people["teacher"]
    with shared_scopes():
        scope_of(fresh(teacher))
    token = permissions._SHARED.set(False)
    try:
        assert queries_of(fresh(teacher))[1] == 1
    finally:
        permissions._SHARED.reset(token)


def test_a_scope_is_read_once_and_then_kept(people):
    teacher = people["teacher"]
    first, read = queries_of(fresh(teacher))
    again, read_again = queries_of(fresh(teacher))

    assert read == 1
    assert read_again == 0
    assert again == first
    assert again.is_teacher


def test_a_grant_drops_that_persons_entry_and_nobody_elses(people, django_capture_on_commit_callbacks):
    teacher, student, admin = people["teacher"], people["student"], people["org_admin"]
    for person in (teacher, student, admin):
        scope_of(fresh(person))
    branch = Branch.objects.exclude(pk__in=scope_of(fresh(student)).member_branch_ids).first()
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(user=student, spec=RoleSpec(Role.BRANCH_MANAGER, branch_id=branch.pk), actor=admin)

    assert not kept(student)
    assert kept(teacher)
    assert kept(admin)
    scope, read = queries_of(fresh(student))
    assert read == 1
    assert scope.managed_branch_ids == {branch.pk}


def test_a_revoke_drops_that_persons_entry(people, django_capture_on_commit_callbacks):
    teacher, manager, admin = people["teacher"], people["branch_manager"], people["org_admin"]
    assert scope_of(fresh(manager)).is_branch_manager
    scope_of(fresh(teacher))
    with django_capture_on_commit_callbacks(execute=True):
        for assignment in RoleAssignment.objects.filter(user=manager, role=Role.BRANCH_MANAGER):
            role_revoke(assignment=assignment, actor=admin)

    assert not kept(manager)
    assert kept(teacher)
    assert not scope_of(fresh(manager)).is_branch_manager


def test_a_bulk_grant_drops_the_entries_of_the_people_it_names(people, django_capture_on_commit_callbacks):
    teacher, student = people["teacher"], people["student"]
    scope_of(fresh(teacher)), scope_of(fresh(student))
    school_class = SchoolClass.objects.exclude(pk__in=scope_of(fresh(student)).class_ids).first()
    with django_capture_on_commit_callbacks(execute=True):
        made = RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    user=student,
                    role=Role.STUDENT,
                    branch_id=school_class.branch_id,
                    school_class=school_class,
                )
            ]
        )
        roles_granted.send(sender=RoleAssignment, assignments=made)

    assert not kept(student)
    assert kept(teacher)
    assert school_class.pk in scope_of(fresh(student)).learning_class_ids


def test_moving_a_class_drops_the_entries_of_its_people(people, django_capture_on_commit_callbacks):
    admin, student = people["org_admin"], people["student"]
    school_class = SchoolClass.objects.get(pk=next(iter(scope_of(fresh(student)).learning_class_ids)))
    outsider = Branch.objects.exclude(pk=school_class.branch_id).first()
    others = set(RoleAssignment.objects.exclude(school_class=school_class).values_list("user_id", flat=True))
    bystander = (
        type(admin)
        .objects.filter(pk__in=others - {admin.pk})
        .exclude(role_assignments__school_class=school_class)[0]
    )
    scope_of(fresh(bystander))
    with django_capture_on_commit_callbacks(execute=True):
        class_update(school_class=school_class, actor=admin, branch=outsider)

    assert not kept(student)
    assert kept(bystander)
    assert outsider.pk in scope_of(fresh(student)).member_branch_ids


def test_roles_changed_in_an_uncommitted_transaction_are_neither_read_from_nor_written_to_the_cache(people):
    student, admin = people["student"], people["org_admin"]
    before = scope_of(fresh(student))
    branch = Branch.objects.exclude(pk__in=before.member_branch_ids).first()
    try:
        with transaction.atomic():
            role_grant(user=student, spec=RoleSpec(Role.BRANCH_MANAGER, branch_id=branch.pk), actor=admin)
            inside, read = queries_of(fresh(student))
            assert read == 1
            assert inside.is_branch_manager
            assert not kept(student), "an uncommitted role was written to the cache"
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert not scope_of(fresh(student)).is_branch_manager


def test_an_entry_never_serves_another_organization(acme, globex):
    # Both organizations' first Org Admin is user 1 of its schema.
    with in_org(acme):
        acme_one = type(member(acme, "org_admin")).objects.get(pk=1)
        acme_scope = scope_of(fresh(acme_one))
        acme_key = _scope_key(1)
        assert kept(acme_one)
    with in_org(globex):
        globex_one = type(acme_one).objects.get(pk=1)
        assert _scope_key(1) != acme_key
        _scope, read = queries_of(fresh(globex_one))
        assert read == 1  # acme's entry for its user 1 does not answer for globex's user 1
        scope_changed([1])  # a change in globex
    with in_org(acme):
        assert queries_of(fresh(acme_one)) == (acme_scope, 0)  # acme's entry is untouched


def test_entries_changed_in_a_transaction_are_deleted_again_when_it_is_over(people):
    """A request on another connection may store the old roles while the transaction runs: the entry is
    deleted once more when this connection next reads a scope outside it (or after the request)."""
    student, teacher = people["student"], people["teacher"]
    key = _scope_key(student.pk)
    connection._learnstack_scope_pending = (object(), {key})  # a transaction of this connection, now over
    caches["default"].set(key, "stored meanwhile by another request")
    scope_of(fresh(teacher))
    assert caches["default"].get(key) is None


def test_a_kept_scope_saves_the_roles_query_of_a_list(acme, people):
    row = next(row for row in cost_table.list_rows() if row.name == "classes")
    teacher = people["teacher"]
    client = client_for("acme", token=jwt_for(acme, teacher))
    assert_ok(client.get(row.path))  # the host, the throttle and the plan are warm from here on
    caches["default"].delete(_scope_key(teacher.pk))
    with CaptureQueriesContext(connection) as cold:
        assert_ok(client.get(row.path))
    with CaptureQueriesContext(connection) as warm:
        assert_ok(client.get(row.path))

    scope_query = 'SELECT "accounts_roleassignment"."role" AS "role"'
    assert [q for q in cold if q["sql"].startswith(scope_query)] != []
    roles_queries = [q for q in warm if q["sql"].startswith(scope_query)]
    assert roles_queries == []
    assert len(warm) == len(cold) - 1


def test_auth_me_names_the_roles_of_the_kept_scope_and_a_grant_shows_at_once(
    acme, people, django_capture_on_commit_callbacks
):
    """/auth/me reads the viewer's roles from their scope: kept, it costs no roles query, and a grant is in the
    next answer (the grant drops the entry)."""
    student, admin = people["student"], people["org_admin"]
    client = client_for("acme", token=jwt_for(acme, student))
    assert assert_ok(client.get("/api/v1/auth/me"))["roles"] == ["student"]
    assert kept(student)
    with CaptureQueriesContext(connection) as warm:
        client.get("/api/v1/auth/me")
    assert not [q for q in warm if "accounts_roleassignment" in q["sql"]]

    with in_org(acme):
        branch = Branch.objects.exclude(pk__in=scope_of(fresh(student)).member_branch_ids).first()
        with django_capture_on_commit_callbacks(execute=True):
            role_grant(user=student, spec=RoleSpec(Role.BRANCH_MANAGER, branch_id=branch.pk), actor=admin)

    assert assert_ok(client.get("/api/v1/auth/me"))["roles"] == ["branch_manager", "student"]
