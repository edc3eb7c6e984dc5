"""Page fixtures: acme's structure by name, a signed-in page client per role, and helpers to read acme's
data and count queries.

    acme   north (N): "Algebra 1"   manager@ (manages N), teacher@ and student@ (Algebra 1)
           south (S): "Biology 1"   south-teacher@ and south-student@ (Biology 1)
           orgadmin@ (Org Admin)
"""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tests.conftest import browser_for, person

ROLES = {"org_admin": "orgadmin", "branch_manager": "manager", "teacher": "teacher", "student": "student"}


@pytest.fixture
def ids(acme):
    """Ids of acme's named objects."""
    from django.contrib.auth import get_user_model

    from apps.hierarchy.models import Branch, SchoolClass

    with schema_context("acme"):
        people = dict(get_user_model().objects.values_list("email", "pk"))
        return SimpleNamespace(
            north=Branch.objects.get(code="north").pk,
            south=Branch.objects.get(code="south").pk,
            algebra=SchoolClass.objects.get(name="Algebra 1").pk,
            biology=SchoolClass.objects.get(name="Biology 1").pk,
            **{
                local.replace("-", "_"): people[f"{local}@acme.example.com"]
                for local in ("orgadmin", "manager", "teacher", "student", "south-teacher", "south-student")
            },
        )


@pytest.fixture
def as_role(acme):
    """as_role("teacher"): a page client on acme's host signed in as acme's teacher@."""
    return lambda role: browser_for(acme, person(acme, ROLES.get(role, role)))


@pytest.fixture
def admin(as_role):
    return as_role("org_admin")


@pytest.fixture
def manager(as_role):
    return as_role("branch_manager")


@pytest.fixture
def teacher(as_role):
    return as_role("teacher")


def in_acme(function, *args, **kwargs):
    with schema_context("acme"):
        return function(*args, **kwargs)


def acme_user(email: str):
    from django.contrib.auth import get_user_model

    with schema_context("acme"):
        return get_user_model().objects.filter(email=email).first()


def audit_actions(**filters) -> list[tuple[str, str, str]]:
    """(action, actor email, target id) of acme's audit entries, oldest first."""
    from apps.audit.models import AuditEntry

    with schema_context("acme"):
        return list(
            AuditEntry.objects.filter(**filters)
            .order_by("pk")
            .values_list("action", "actor_email", "target_id")
        )


def queries_for(client, path: str) -> int:
    """How many SQL statements one GET of `path` costs (the client is warmed up first)."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_students(count: int, *, class_name: str = "Algebra 1", prefix: str = "extra") -> None:
    """`count` more students in one of acme's classes, each with a role (so every row has related data)."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment
    from apps.hierarchy.models import SchoolClass

    User = get_user_model()
    with schema_context("acme"):
        school_class = SchoolClass.objects.get(name=class_name)
        for n in range(count):
            user = User.objects.create_user(
                f"{prefix}{n:03}@acme.example.com", full_name=f"Extra Student {n:03}"
            )
            RoleAssignment.objects.create(
                user=user, role="student", branch=school_class.branch, school_class=school_class
            )
