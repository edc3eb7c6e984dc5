"""Every /api/ response, success or failure, is the envelope {"success", "data", "meta", "error"}, and every
failure carries a stable code from apps.core.errors.ErrorCode."""

import json
import logging

import pytest
from django.db import connection, transaction
from django.test import override_settings
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.core.api.exceptions import envelope_exception_handler
from apps.core.api.renderers import EnvelopeJSONRenderer
from apps.core.errors import ApplicationError, ErrorCode
from tests.conftest import client_for, jwt_for

from .helpers import assert_error, assert_ok

ORGANIZATIONS = "/api/v1/organizations"


def test_list_answers_data_list_and_pagination_meta(operator_client):
    response = operator_client.get(ORGANIZATIONS)

    data = assert_ok(response)
    assert [org["slug"] for org in data] == ["acme", "globex"]
    assert response.json()["meta"]["total"] == 2


def test_detail_answers_the_object_with_null_meta(operator_client, acme):
    response = operator_client.get(f"{ORGANIZATIONS}/{acme.pk}")

    data = assert_ok(response)
    assert data["id"] == acme.pk
    assert data["slug"] == "acme"
    assert data["subscription"]["plan"]["code"] == "growth"
    assert response.json()["meta"] is None


def test_create_answers_201_in_the_envelope(operator_client):
    response = operator_client.post(
        ORGANIZATIONS,
        {
            "name": "Wayne Academy",
            "slug": "wayne",
            "plan": "starter",
            "admin_email": "admin@wayne.example.com",
        },
        format="json",
    )

    data = assert_ok(response, 201)
    assert data["organization"]["slug"] == "wayne"
    assert data["organization"]["status"] == "trial"
    assert response.json()["meta"] is None


def test_serializer_validation_failure_is_400_with_field_details(operator_client):
    response = operator_client.post(ORGANIZATIONS, {"name": "", "plan": "nope"}, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["message"] == "Some fields are not valid."
    assert error["details"] == {
        "name": ["This field may not be blank."],
        "slug": ["This field is required."],
        "plan": ["Object with code=nope does not exist."],
        "admin_email": ["This field is required."],
    }


def test_service_validation_failure_is_400_with_field_details(operator_client, acme):
    response = operator_client.post(
        ORGANIZATIONS,
        {"name": "Another Acme", "slug": "acme", "plan": "starter", "admin_email": "x@example.com"},
        format="json",
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == {"slug": ["This slug is already taken."]}


def test_malformed_json_is_400_bad_request(operator_client):
    response = operator_client.post(ORGANIZATIONS, "{not json", content_type="application/json")

    error = assert_error(response, 400, "BAD_REQUEST")
    assert error["message"].startswith("JSON parse error")


def test_unsupported_media_type_is_415(operator_client):
    response = operator_client.post(ORGANIZATIONS, "name=x", content_type="text/plain")

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_missing_token_is_401_not_authenticated(public_client):
    response = public_client.get(ORGANIZATIONS)

    error = assert_error(response, 401, "NOT_AUTHENTICATED")
    assert error["message"] == "Authentication credentials were not provided."
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
def test_bad_token_is_401_token_invalid(db, token):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}" if token else "Bearer")

    response = client.get(ORGANIZATIONS)

    assert_error(response, 401, "TOKEN_INVALID" if token else "AUTHENTICATION_FAILED")


def test_platform_user_who_is_not_an_operator_gets_403(staff_client):
    response = staff_client.get(ORGANIZATIONS)

    error = assert_error(response, 403, "PERMISSION_DENIED")
    assert error["message"] == "Only platform operators may do this."


def test_unknown_object_is_404_not_found(operator_client):
    response = operator_client.get(f"{ORGANIZATIONS}/999999")

    assert_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("host", [None, "acme"])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/organizations", "/api/v1/auth/me/extra"])
def test_unknown_api_path_is_an_enveloped_404_also_with_debug(acme, host, path, debug):
    with override_settings(DEBUG=debug):
        response = client_for(host).get(path)

    error = assert_error(response, 404, "NOT_FOUND")
    assert error["message"] == "No such endpoint or object."


def test_unknown_object_is_an_enveloped_404_with_debug(operator_client):
    with override_settings(DEBUG=True):
        response = operator_client.get(f"{ORGANIZATIONS}/999999")

    assert_error(response, 404, "NOT_FOUND")


def test_wrong_method_is_405(operator_client):
    response = operator_client.delete(ORGANIZATIONS)

    error = assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert error["message"] == 'Method "DELETE" not allowed.'


@pytest.mark.parametrize("debug", [False, True])
def test_unhandled_error_is_an_enveloped_500_without_traceback(operator_client, monkeypatch, caplog, debug):
    from tenants import selectors

    def broken_selector(**kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(selectors, "organization_list", broken_selector)

    with override_settings(DEBUG=debug), caplog.at_level(logging.ERROR, logger="apps.core.api.exceptions"):
        response = operator_client.get(ORGANIZATIONS)

    error = assert_error(response, 500, "SERVER_ERROR")
    assert error == {
        "code": "SERVER_ERROR",
        "message": "Something went wrong on our side. The error has been logged.",
        "details": {},
    }
    assert "hunter2" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "apps.core.api.exceptions"]
    assert [r.getMessage() for r in logged] == ["Unhandled API error"]
    assert logged[0].exc_info[0] is RuntimeError


def test_every_code_the_api_answers_is_a_stable_error_code(operator_client, staff_client, public_client):
    responses = [
        public_client.get(ORGANIZATIONS),
        staff_client.get(ORGANIZATIONS),
        operator_client.get(f"{ORGANIZATIONS}/999999"),
        operator_client.delete(ORGANIZATIONS),
        operator_client.post(ORGANIZATIONS, {}, format="json"),
        operator_client.get(ORGANIZATIONS, {"filter[bogus]": "1"}),
        operator_client.get(ORGANIZATIONS, {"sort": "bogus"}),
        operator_client.get(ORGANIZATIONS, {"fields": "bogus"}),
        operator_client.get(ORGANIZATIONS, {"page": "0"}),
    ]

    codes = [r.json()["error"]["code"] for r in responses]
    assert codes == [
        "NOT_AUTHENTICATED",
        "PERMISSION_DENIED",
        "NOT_FOUND",
        "METHOD_NOT_ALLOWED",
        "VALIDATION_ERROR",
        "INVALID_FILTER",
        "INVALID_SORT",
        "INVALID_FIELDS",
        "INVALID_PAGINATION",
    ]
    assert set(codes) <= {code.value for code in ErrorCode}


@pytest.mark.parametrize(
    ("status", "data", "code", "message", "details"),
    [
        (409, {"detail": "Already there."}, "CONFLICT", "Already there.", {}),
        (
            422,
            {"title": ["Too long."]},
            "UNPROCESSABLE",
            "The request could not be completed.",
            {"title": ["Too long."]},
        ),
        (503, None, "SERVICE_UNAVAILABLE", "The request could not be completed.", {}),
        (418, "I'm a teapot", "BAD_REQUEST", "I'm a teapot", {}),
        (502, None, "SERVER_ERROR", "The request could not be completed.", {}),
    ],
)
def test_an_error_response_a_view_returns_itself_still_gets_a_stable_code(
    status, data, code, message, details
):
    response = Response(data, status=status)

    rendered = EnvelopeJSONRenderer().render(data, renderer_context={"response": response})

    assert json.loads(rendered) == {
        "success": False,
        "data": None,
        "meta": None,
        "error": {"code": code, "message": message, "details": details},
    }


def test_no_content_has_no_body(acme, acme_admin):
    from apps.core.api.authentication import tokens_for_user
    from tests.conftest import in_org

    with in_org(acme):
        tokens = tokens_for_user(acme_admin)
    client = client_for("acme", token=tokens["access"])

    response = client.post("/api/v1/auth/logout", {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code == 204
    assert response.content == b""


def test_session_signed_in_operator_gets_the_same_envelope(operator):
    from tests.conftest import browser_for

    response = browser_for(None, operator).get(ORGANIZATIONS)

    assert [org["slug"] for org in assert_ok(response)] == ["acme", "globex"]


def test_token_issued_for_the_platform_is_not_an_operator_on_an_org_host(operator, acme):
    client = client_for("acme", token=jwt_for(None, operator))

    response = client.get("/api/v1/auth/me")

    assert_error(response, 401, "TOKEN_INVALID")


@pytest.mark.parametrize(
    "exc",
    [ApplicationError("No."), ValidationError({"name": ["Bad."]}), RuntimeError("boom")],
    ids=["application", "validation", "unhandled"],
)
def test_a_refused_request_rolls_back_its_writes_under_atomic_requests(db, monkeypatch, exc):
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)

    with transaction.atomic():
        response = envelope_exception_handler(exc, {})
        rolled_back = connection.get_rollback()
        connection.set_rollback(False)  # leave the test's own transaction usable

    assert response.status_code in (400, 500)
    assert rolled_back is True
