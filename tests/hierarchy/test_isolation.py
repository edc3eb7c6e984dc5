"""Cross-tenant checks the generic matrix (tests/isolation) cannot make for /users/{id} of people every role
sees: their ids are small, so each org has a person of that number. Here a globex person gets an id acme does
not use, and acme's host must answer for it exactly as for a missing id, showing nothing of globex."""

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import RoleAssignment, User
from tests.api.helpers import assert_error

FOREIGN_ID = 7_000_001
MISSING_ID = 7_000_002


@pytest.fixture
def globex_person(globex):
    with schema_context(globex.schema_name):
        person = User.objects.create(
            pk=FOREIGN_ID, email="far-away@globex.example.com", full_name="Globex Person", status="active"
        )
        RoleAssignment.objects.create(user=person, role="org_admin")
    return person


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/users/{}", None),
        ("PUT", "/api/v1/users/{}", {"full_name": "Hijacked"}),
        ("PATCH", "/api/v1/users/{}", {"full_name": "Hijacked"}),
        ("GET", "/api/v1/users/{}/profile", None),
        ("PUT", "/api/v1/users/{}/profile", {"full_name": "Hijacked"}),
        ("DELETE", "/api/v1/users/{}", None),
        ("POST", "/api/v1/users/{}/roles", {"role": "org_admin"}),
        ("POST", "/api/v1/users/{}/reactivate", None),
        ("POST", "/api/v1/users/{}/invitation", None),
        ("GET", "/api/v1/classes/{}", None),
        ("GET", "/api/v1/classes/{}/members", None),
    ],
)
def test_a_globex_id_on_acme_host_is_like_a_missing_one(globex_person, admin_api, method, path, body):
    call = getattr(admin_api, method.lower())

    foreign = call(path.format(FOREIGN_ID), body, format="json")
    missing = call(path.format(MISSING_ID), body, format="json")

    assert_error(foreign, 404, "NOT_FOUND")
    assert foreign.json() == missing.json()
    assert "globex" not in foreign.content.decode().lower()
    with schema_context("globex"):
        person = User.objects.get(pk=FOREIGN_ID)
        assert (person.full_name, person.status) == ("Globex Person", "active")


def test_globex_structure_never_matches_acme_filters(globex, admin_api):
    by_search = admin_api.get("/api/v1/users", {"search": "globex"})
    north_class = admin_api.get("/api/v1/classes", {"filter[name]": "Chemistry"})
    south_class = admin_api.get("/api/v1/classes", {"filter[name]": "Physics"})

    assert [r.json()["meta"]["total"] for r in (by_search, north_class, south_class)] == [0, 0, 0]


def test_an_acme_email_invited_again_in_globex_is_a_different_person(globex, admin_api, globex_admin_client):
    acme = admin_api.post("/api/v1/users", {"email": "both@example.com"}, format="json")
    globex_answer = globex_admin_client.post("/api/v1/users", {"email": "both@example.com"}, format="json")

    assert (acme.status_code, globex_answer.status_code) == (201, 201)
    assert "Acme" not in globex_answer.content.decode()
