"""Clients for each acme role and the ids of acme's structure (see tests/conftest.py STRUCTURE):

north (Branch Manager: manager@)   Algebra 1: teacher@, student@
south                              Biology 1: south-teacher@, south-student@
"""

from types import SimpleNamespace

import pytest
from django_tenants.utils import schema_context

from tests.conftest import client_for, jwt_for, person


def api_client(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.fixture
def ids(acme):
    """Ids of acme's branches, classes and people, by short name."""
    from apps.hierarchy.models import Branch, SchoolClass

    with schema_context(acme.schema_name):
        return SimpleNamespace(
            org=acme.pk,
            north=Branch.objects.get(code="north").pk,
            south=Branch.objects.get(code="south").pk,
            algebra=SchoolClass.objects.get(name="Algebra 1").pk,
            biology=SchoolClass.objects.get(name="Biology 1").pk,
            **{
                local.replace("-", "_"): person(acme, local).pk
                for local in ("manager", "teacher", "student", "south-teacher", "south-student")
            },
        )


@pytest.fixture
def admin_api(acme, acme_admin):
    return api_client(acme, acme_admin)


@pytest.fixture
def manager_api(acme, acme_manager):
    return api_client(acme, acme_manager)


@pytest.fixture
def teacher_api(acme, acme_teacher):
    return api_client(acme, acme_teacher)


@pytest.fixture
def student_api(acme, acme_student):
    return api_client(acme, acme_student)


@pytest.fixture
def clients(admin_api, manager_api, teacher_api, student_api):
    return {
        "org_admin": admin_api,
        "branch_manager": manager_api,
        "teacher": teacher_api,
        "student": student_api,
    }


def in_acme():
    return schema_context("acme")
