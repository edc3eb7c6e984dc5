"""Tenant isolation: nothing of org B is reachable from org A, whatever A holds (token, session, ids)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tests.conftest import browser_for, client_for, jwt_for

from .course_targets import PNG
from .registry import API_ENDPOINTS, PAGE_ACTIONS, PAGES, fill, targets

# Strings that only org B (globex) has; none may appear in a response served to A.
GLOBEX_MARKERS = ("Globex", "globex", "orgadmin@globex.example.com")


def call(client, endpoint, values):
    method = getattr(client, endpoint.method.lower())
    body = filled_body(endpoint.body, values)
    if endpoint.upload:
        upload = SimpleUploadedFile("matrix.png", PNG, content_type="image/png")
        return method(fill(endpoint.path, values), {**body, endpoint.upload: upload}, format="multipart")
    return method(fill(endpoint.path, values), body or None, format="json")


def filled_body(body, values):
    """A body with each string that is exactly one placeholder ("{module_id}") replaced by its value, so a body
    may name the org's objects (reorders, assignments)."""
    if isinstance(body, dict):
        return {key: filled_body(value, values) for key, value in body.items()}
    if isinstance(body, list):
        return [filled_body(value, values) for value in body]
    if isinstance(body, str) and body.startswith("{") and body.endswith("}") and body[1:-1] in values:
        return values[body[1:-1]]
    return body


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")  # files (media, covers) are bytes


def assert_no_globex_data(response):
    body = body_text(response)
    leaked = [marker for marker in GLOBEX_MARKERS if marker in body]
    assert leaked == [], f"{response.request['PATH_INFO']} leaked {leaked}"


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e.id)
def test_acme_token_is_refused_on_globex_host(endpoint, acme, acme_admin, globex):
    client = client_for("globex", token=jwt_for(acme, acme_admin))

    response = call(client, endpoint, targets(globex))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "TOKEN_INVALID"
    assert_no_globex_data(response)


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e.id)
def test_platform_token_is_refused_on_org_hosts(endpoint, operator, acme):
    client = client_for("acme", token=jwt_for(None, operator))

    response = call(client, endpoint, targets(acme))

    assert response.status_code == 401


@pytest.mark.parametrize("endpoint", [e for e in API_ENDPOINTS if e.has_object], ids=lambda e: e.id)
def test_globex_ids_on_acme_host_answer_404_like_missing_ones(endpoint, acme_admin_client, globex):
    foreign = call(acme_admin_client, endpoint, targets(globex))
    missing = call(acme_admin_client, endpoint, {**targets(globex), "org_id": "999999"})

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


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e.id)
def test_role_matrix(endpoint, acme, acme_admin, acme_manager, acme_teacher, acme_student):
    people = {
        "org_admin": acme_admin,
        "branch_manager": acme_manager,
        "teacher": acme_teacher,
        "student": acme_student,
    }
    for role, user in people.items():
        client = client_for("acme", token=jwt_for(acme, user))

        response = call(client, endpoint, targets(acme))

        if role in endpoint.allowed_roles:
            assert 200 <= response.status_code < 300, (role, response.json())
        else:
            assert response.status_code == 403, (role, response.json())
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
