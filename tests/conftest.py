"""Shared fixtures: two organizations provisioned once per test session by the real provisioning service,
named users in each, and clients bound to each host.

    acme      "Acme Academy" on Growth, host acme.learnstack.test, Org Admin orgadmin@acme.example.com
    globex    "Globex Institute" on Starter, host globex.learnstack.test, Org Admin orgadmin@globex.example.com
    operator  a platform super-admin (public schema), admin@example.com

Every test runs in a transaction that is rolled back, schema DDL included (PostgreSQL DDL is
transactional), so a test may provision, suspend or delete freely.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

PASSWORD = "correct horse battery staple"
ORGS = {
    "acme": {"name": "Acme Academy", "plan": "growth", "admin_email": "orgadmin@acme.example.com"},
    "globex": {"name": "Globex Institute", "plan": "starter", "admin_email": "orgadmin@globex.example.com"},
}


def host_of(slug: str | None) -> str:
    return settings.BASE_HOST if slug is None else f"{slug}.{settings.BASE_HOST}"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database: the migrated schema and the two organizations of ORGS, built once per state of the
    code and cloned for each pytest process (tests/testdb.py). Replaces pytest-django's own fixture
    (`--reuse-db` and `--no-migrations` do not apply: the template is reused whenever it is current)."""
    from tests import testdb

    with django_db_blocker.unblock():
        name = testdb.prepare(_build_test_organizations, verbosity=request.config.option.verbose)
    yield
    with django_db_blocker.unblock():
        testdb.drop(name)


def _build_test_organizations() -> None:
    from django.contrib.auth import get_user_model

    from tenants.models import Plan
    from tenants.services import organization_provision

    User = get_user_model()
    connection.set_schema_to_public()
    User.objects.create_superuser("admin@example.com", PASSWORD, full_name="Platform Operator")
    for slug, spec in ORGS.items():
        result = organization_provision(
            name=spec["name"],
            slug=slug,
            plan=Plan.objects.get(code=spec["plan"]),
            admin_email=spec["admin_email"],
            admin_name=f"{spec['name']} Admin",
            trial_days=0,
        )
        with schema_context(result.organization.schema_name):
            admin = User.objects.get(email=spec["admin_email"])
            admin.set_password(PASSWORD)
            admin.status = User.Status.ACTIVE
            admin.save()
            _build_structure(slug)
    connection.set_schema_to_public()


# Each org's structure and one person per role, the same in both (so a cross-tenant test can name the same
# person in each). In acme:
#   branches north (N) and south (S); classes N: "Algebra 1" and S: "Biology 1"
#   manager@  Branch Manager of north        teacher@  Teacher of Algebra 1 (north)
#   student@  Student in Algebra 1 (north)   south-teacher@ / south-student@  in Biology 1 (south)
# globex has the same people in its own classes, N: "Chemistry" and S: "Physics".
PEOPLE = [
    ("manager", "branch_manager", "north", None),
    ("teacher", "teacher", "north", 0),
    ("student", "student", "north", 0),
    ("south-teacher", "teacher", "south", 1),
    ("south-student", "student", "south", 1),
]
CLASS_NAMES = {"acme": ("Algebra 1", "Biology 1"), "globex": ("Chemistry", "Physics")}
STRUCTURE = {
    slug: {
        "branches": [("north", "North Campus"), ("south", "South Campus")],
        "classes": [("north", names[0]), ("south", names[1])],
        "people": [
            (local, role, branch, None if index is None else names[index])
            for local, role, branch, index in PEOPLE
        ],
    }
    for slug, names in CLASS_NAMES.items()
}
# The named person of each role (orgadmin@ is the Org Admin that provisioning made).
ROLES = ("org_admin", "branch_manager", "teacher", "student")
PERSON_OF_ROLE = {
    "org_admin": "orgadmin",
    "branch_manager": "manager",
    "teacher": "teacher",
    "student": "student",
}


def _build_structure(slug: str) -> None:
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment
    from apps.hierarchy.models import Branch, SchoolClass

    User = get_user_model()
    _separate_id_ranges(slug)
    spec = STRUCTURE[slug]
    branches = {code: Branch.objects.create(code=code, name=name) for code, name in spec["branches"]}
    classes = {
        name: SchoolClass.objects.create(branch=branches[code], name=name, term="2026")
        for code, name in spec["classes"]
    }
    for local, role, branch_code, class_name in spec["people"]:
        user = User.objects.create_user(f"{local}@{slug}.example.com", PASSWORD, full_name=local.title())
        RoleAssignment.objects.create(
            user=user, role=role, branch=branches[branch_code], school_class=classes.get(class_name)
        )


def _separate_id_ranges(slug: str) -> None:
    """Each org numbers its rows from 1, so acme's person 3 and globex's person 3 both exist and a
    "globex id on acme's host" probe would find an acme object for the wrong reason. Start every sequence
    of each org's schema in its own range (acme 10,000,000+, globex 20,000,000+) so foreign ids never exist
    locally. (The provisioned Org Admins keep id 1 in both; tests/isolation/registry.py makes some objects
    with explicit ids around 1,000,000, below both ranges.)"""
    base = (list(ORGS).index(slug) + 1) * 10_000_000
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = %s", [slug])
        for (sequence,) in cursor.fetchall():
            cursor.execute("SELECT setval(%s, %s, false)", [f'"{slug}"."{sequence}"', base])


def person(organization, local: str):
    """A named person of an org's structure, e.g. person(acme, "teacher")."""
    from django.contrib.auth import get_user_model

    with in_org(organization):
        return get_user_model().objects.get(email=f"{local}@{organization.slug}.example.com")


def member(organization, role: str):
    """The named person holding `role` in an org, e.g. member(acme, "teacher")."""
    return person(organization, PERSON_OF_ROLE[role])


@contextmanager
def rolled_back(django_db_blocker) -> Iterator[None]:
    """Data shared by the tests of one module (or package), made once and undone after its last test: an
    outer transaction that each test's own transaction nests inside as a savepoint, so a test still
    starts from exactly what the block made, whatever the test before it wrote. Nothing of it is ever
    committed, so the tests of other modules never see it. For costly set-ups: the demo seed, the
    isolation matrix's objects, the cost table's rows."""
    from django.db import transaction

    with django_db_blocker.unblock():
        block = transaction.atomic()
        block._from_testcase = True  # like TestCase's own blocks: durable atomics inside still work
        block.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
            connection.set_schema_to_public()
            for alias in settings.CACHES:
                caches[alias].clear()


@pytest.fixture(scope="module")
def demo_seed(django_db_setup, django_db_blocker, tmp_path_factory):
    """`manage.py seed_demo` run once for the tests of a module (about half a minute), inside a transaction
    undone after them (rolled_back; so on-commit work such as event dispatch is not run: it would run
    after the command left the org's schema). Gives what the command printed. Modules using it mark
    themselves `xdist_group("demo")`, so one worker seeds for all of them."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    with (
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media"))),
        rolled_back(django_db_blocker),
    ):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()


@pytest.fixture(autouse=True)
def _clean_state():
    """No cached tenant, rate-limit counter or schema choice leaks from one test into the next; nor Celery's
    "inside a task" flag: an eager task sets it process-wide while it runs and restores what it found, so two
    threads running eager tasks at once (the race tests) can leave it set, and every later `.get()` of a
    result would then raise "Never call result.get() within a task"."""
    from celery._state import _set_task_join_will_block

    for alias in settings.CACHES:
        caches[alias].clear()
    connection.set_schema_to_public()
    _set_task_join_will_block(False)
    yield
    connection.set_schema_to_public()
    _set_task_join_will_block(False)


@contextmanager
def in_org(organization) -> Iterator[None]:
    with schema_context(organization.schema_name):
        yield


@pytest.fixture
def acme(db):
    from tenants.models import Organization

    return Organization.objects.select_related("subscription__plan", "settings").get(slug="acme")


@pytest.fixture
def globex(db):
    from tenants.models import Organization

    return Organization.objects.select_related("subscription__plan", "settings").get(slug="globex")


@pytest.fixture
def operator(db):
    from django.contrib.auth import get_user_model

    connection.set_schema_to_public()
    return get_user_model().objects.get(email="admin@example.com")


def _org_admin(organization):
    from django.contrib.auth import get_user_model

    with in_org(organization):
        return get_user_model().objects.get(email=ORGS[organization.slug]["admin_email"])


@pytest.fixture
def acme_admin(acme):
    return _org_admin(acme)


@pytest.fixture
def acme_manager(acme):
    return person(acme, "manager")


@pytest.fixture
def acme_teacher(acme):
    return person(acme, "teacher")


@pytest.fixture
def acme_student(acme):
    return person(acme, "student")


@pytest.fixture
def globex_admin(globex):
    return _org_admin(globex)


@pytest.fixture
def globex_manager(globex):
    return person(globex, "manager")


@pytest.fixture
def globex_teacher(globex):
    return person(globex, "teacher")


@pytest.fixture
def globex_student(globex):
    return person(globex, "student")


def jwt_for(organization, user) -> str:
    """An access token issued by `organization` (None = the platform) for `user`."""
    from apps.core.api.authentication import tokens_for_user

    schema = settings.PUBLIC_SCHEMA_NAME if organization is None else organization.schema_name
    with schema_context(schema):
        return tokens_for_user(user)["access"]


class HostClient(APIClient):
    """Sends what the product's callers send when a test names no format: JSON to the API (the only body
    type it takes besides uploads), a form to pages (as a browser does)."""

    def _with_format(self, path, kwargs):
        if (
            kwargs.get("format") is None
            and kwargs.get("content_type") is None
            and not path.startswith("/api/")
        ):
            kwargs["format"] = "multipart"
        return kwargs

    def post(self, path, data=None, **kwargs):
        return super().post(path, data, **self._with_format(path, kwargs))

    def put(self, path, data=None, **kwargs):
        return super().put(path, data, **self._with_format(path, kwargs))

    def patch(self, path, data=None, **kwargs):
        return super().patch(path, data, **self._with_format(path, kwargs))


def client_for(slug: str | None, *, token: str | None = None) -> APIClient:
    client = HostClient(HTTP_HOST=host_of(slug))
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def browser_for(organization, user=None) -> Client:
    """A page client on `organization`'s host (None = the platform), signed in as `user` if given.
    The session is stored in that organization's schema, as a real sign-in there would."""
    client = Client(HTTP_HOST=host_of(None if organization is None else organization.slug))
    if user is not None:
        schema = settings.PUBLIC_SCHEMA_NAME if organization is None else organization.schema_name
        with schema_context(schema):
            client.force_login(user)
    return client


@pytest.fixture
def public_client(db) -> APIClient:
    return client_for(None)


@pytest.fixture
def operator_client(operator) -> APIClient:
    return client_for(None, token=jwt_for(None, operator))


@pytest.fixture
def acme_client(acme) -> APIClient:
    return client_for("acme")


@pytest.fixture
def globex_client(globex) -> APIClient:
    return client_for("globex")


@pytest.fixture
def acme_admin_client(acme, acme_admin) -> APIClient:
    return client_for("acme", token=jwt_for(acme, acme_admin))


@pytest.fixture
def globex_admin_client(globex, globex_admin) -> APIClient:
    return client_for("globex", token=jwt_for(globex, globex_admin))


@pytest.fixture
def plans(db):
    from tenants.models import Plan

    return {plan.code: plan for plan in Plan.objects.all()}
