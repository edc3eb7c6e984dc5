"""Tenant isolation: nothing of org B is reachable from org A, whatever A holds (token, session, ids)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tests.conftest import ROLES, browser_for, client_for, jwt_for, member

from .calls import assert_no_globex_data, call
from .registry import API_ENDPOINTS, PAGE_ACTIONS, PAGES, fill, targets


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e.id)
def test_acme_token_is_refused_on_globex_host(endpoint, acme, acme_admin, globex):
    client = client_for("globex", token=jwt_for(acme, acme_admin))

    response = call(client, endpoint, targets(globex))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "TOKEN_INVALID"
    assert_no_globex_data(response)


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_token_is_refused_on_globex_host_where_its_namesake_works(role, acme, globex):
    """globex has the same named people as acme (tests/conftest.py): an acme token of each role is refused
    there, though globex's own person of that name and role is let in."""
    acme_person, globex_person = member(acme, role), member(globex, role)
    assert acme_person.email.split("@")[0] == globex_person.email.split("@")[0]

    response = client_for("globex", token=jwt_for(acme, acme_person)).get("/api/v1/auth/me")
    namesake = client_for("globex", token=jwt_for(globex, globex_person)).get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "TOKEN_INVALID"
    assert namesake.status_code == 200


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e.id)
def test_platform_token_is_refused_on_org_hosts(endpoint, operator, acme):
    client = client_for("acme", token=jwt_for(None, operator))

    response = call(client, endpoint, targets(acme))

    assert response.status_code == 401


@pytest.mark.parametrize("endpoint", [e for e in API_ENDPOINTS if e.has_object], ids=lambda e: e.id)
def test_globex_ids_on_acme_host_answer_404_like_missing_ones(endpoint, acme_admin_client, globex):
    foreign = call(acme_admin_client, endpoint, targets(globex))
    missing = call(acme_admin_client, endpoint, targets(globex).but(org_id="999999"))

    assert foreign.status_code == 404
    assert foreign.json() == missing.json()
    assert_no_globex_data(foreign)


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e.id)
def test_anonymous_api_calls_are_refused(endpoint, acme):
    response = call(client_for("acme"), endpoint, targets(acme))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "NOT_AUTHENTICATED"


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e.id)
def test_globex_data_never_appears_in_acme_answers(endpoint, acme, acme_admin_client):
    response = call(acme_admin_client, endpoint, targets(acme))

    assert response.status_code < 500
    assert_no_globex_data(response)


def test_acme_session_does_not_authenticate_on_globex(acme, acme_admin, globex):
    acme_browser = browser_for(acme, acme_admin)
    session_cookie = acme_browser.cookies["sessionid"].value
    intruder = client_for("globex")
    intruder.cookies["sessionid"] = session_cookie

    response = intruder.get("/")
    api = intruder.get("/api/v1/auth/me")

    assert response.status_code == 200
    assert "orgadmin@acme.example.com" not in response.content.decode()
    assert "Sign in" in response.content.decode()
    assert api.status_code in (401, 403)


def test_session_cookies_are_host_only(acme, acme_admin):
    response = client_for("acme").post(
        "/accounts/login/", {"username": acme_admin.email, "password": "correct horse battery staple"}
    )

    assert response.status_code == 302
    assert response.cookies["sessionid"]["domain"] == ""
    assert response.cookies["csrftoken"]["domain"] == ""


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_acme_pages_never_show_globex_data(page, acme, acme_admin, globex):
    values = targets(globex) if page.has_object else targets(acme)

    response = browser_for(acme, acme_admin).get(fill(page.path, values))

    assert response.status_code in (200, 302, 404)
    if page.has_object:
        assert response.status_code == 404
    assert_no_globex_data(response)


def test_globex_invitation_link_is_dead_on_acme_host(acme, globex):
    values = targets(globex)

    response = client_for("acme").get(fill("/invite/{invite_uid}/{invite_token}/", values))

    assert response.status_code == 404


# --- roles within one organization ------------------------------------------------------------------------


# One case per endpoint and role, named like `GET /api/v1/users[teacher]`.
ROLE_CASES = [pytest.param(e, role, id=f"{e.id}[{role}]") for e in API_ENDPOINTS for role in ROLES]


@pytest.mark.parametrize(("endpoint", "role"), ROLE_CASES)
def test_role_matrix(endpoint, role, acme):
    client = client_for("acme", token=jwt_for(acme, member(acme, role)))

    response = call(client, endpoint, targets(acme))

    if role in endpoint.allowed_roles:
        assert 200 <= response.status_code < 300, response.json()
    else:
        assert response.status_code == 403, response.json()
        assert response.json()["error"]["code"] == "PERMISSION_DENIED"


# --- form actions of the organization area ---------------------------------------------------------------


def _snapshot(organization) -> dict:
    """Everything a page action could change, in one org."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import RoleAssignment
    from apps.courses.models import ContentItem, ContentVersion, Course, Enrollment, MediaFile, Module
    from apps.hierarchy.models import Branch, SchoolClass

    with schema_context(organization.schema_name):
        return {
            "people": sorted(get_user_model().objects.values_list("pk", "email", "full_name", "status")),
            "roles": sorted(
                RoleAssignment.objects.values_list("pk", "user_id", "role", "branch_id", "school_class_id")
            ),
            "branches": sorted(Branch.objects.values_list("pk", "name", "code")),
            "classes": sorted(SchoolClass.objects.values_list("pk", "name", "branch_id")),
            "courses": sorted(Course.objects.values_list("pk", "title", "status", "slug")),
            "modules": sorted(Module.objects.values_list("pk", "title", "position", "course_id")),
            "items": sorted(
                ContentItem.objects.values_list(
                    "pk", "title", "position", "module_id", "latest_version_id", "published_version_id"
                )
            ),
            "versions": sorted(ContentVersion.objects.values_list("pk", "item_id", "number")),
            "media": sorted(MediaFile.objects.values_list("pk", "course_id", "item_id")),
            "enrollments": sorted(
                Enrollment.objects.values_list(
                    "pk", "course_id", "user_id", "status", "due_at", "progress_percent"
                )
            ),
        }


def _filled(action, values):
    return fill(action.path, values), {key: fill(str(value), values) for key, value in action.data.items()}


@pytest.mark.parametrize("action", PAGE_ACTIONS, ids=lambda a: a.id)
def test_acme_form_actions_with_globex_ids_answer_404_and_change_nothing(action, acme, acme_admin, globex):
    path, data = _filled(action, targets(globex))
    before = {"acme": _snapshot(acme), "globex": _snapshot(globex)}

    response = browser_for(acme, acme_admin).post(path, data)

    assert response.status_code == 404
    assert_no_globex_data(response)
    assert {"acme": _snapshot(acme), "globex": _snapshot(globex)} == before


@pytest.mark.parametrize("action", PAGE_ACTIONS, ids=lambda a: a.id)
def test_form_actions_send_anonymous_visitors_to_sign_in(action, acme):
    path, data = _filled(action, targets(acme))
    before = _snapshot(acme)

    response = client_for("acme").post(path, data)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _snapshot(acme) == before


# --- bad input never breaks the server --------------------------------------------------------------------

GARBAGE_VALUES = [None, 12345, ["a", {"b": 1}], {"nested": {"deep": True}}, "x" * 5000, "'; DROP TABLE x; --"]
WRITE_ENDPOINTS = [e for e in API_ENDPOINTS if e.method in ("POST", "PUT", "PATCH")]


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS, ids=lambda e: e.id)
def test_write_endpoints_answer_bad_input_with_4xx_never_500(endpoint, acme, acme_admin_client):
    values = targets(acme)
    keys = list(endpoint.body) or ["name"]

    for garbage in GARBAGE_VALUES:
        body = dict.fromkeys(keys, garbage)
        response = getattr(acme_admin_client, endpoint.method.lower())(
            fill(endpoint.path, values), body, format="json"
        )
        assert response.status_code < 500, (garbage, response.content[:300])
        if response.status_code >= 400:
            assert response.json()["success"] is False
    if endpoint.upload:
        path = fill(endpoint.path, values)
        send = getattr(acme_admin_client, endpoint.method.lower())
        for bad in ("not a file", SimpleUploadedFile("report.png", b"\x7fELF" + b"\x00" * 64)):
            response = send(path, {endpoint.upload: bad}, format="multipart")
            assert response.status_code == 400, (bad, response.content[:300])
            assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    if not endpoint.body:
        return  # an action that reads no body has nothing to parse
    malformed = acme_admin_client.generic(
        endpoint.method, fill(endpoint.path, values), "{not json", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "BAD_REQUEST"
