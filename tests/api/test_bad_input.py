"""Hostile or careless input answers 4xx in the envelope (a page on pages), never 500: NUL characters, LIKE
patterns with backslashes, deep JSON, bodies over the limit, too many fields, integers beyond their column,
line breaks in names. Each class is refused in one place (parser, middleware, filter layer, exception
handler, field validators), so the tests try it on several endpoints and both hosts."""

import json

import pytest
from django.core import mail
from django.test import override_settings
from rest_framework import serializers

from apps.core.api.parsers import MAX_DEPTH
from tests.conftest import browser_for, client_for, in_org, jwt_for

from .helpers import assert_error, assert_ok

USERS = "/api/v1/users"
LOGIN = "/api/v1/auth/login"


def post_json(client, path, body: str | bytes, method="post"):
    return getattr(client, method)(path, data=body, content_type="application/json")


# --- NUL -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "filter[email]=a%00b",
        "filter[email][like]=%00",
        "filter[full_name][in]=a,%00",
        "sort=%00",
        "fields=id%00",
        "page=1%00",
        "q%00=1",
    ],
)
def test_a_nul_in_the_query_string_is_400_bad_request(acme_admin_client, query):
    response = acme_admin_client.get(f"{USERS}?{query}")

    error = assert_error(response, 400, "BAD_REQUEST")
    assert "NUL" in error["message"]


def test_a_nul_in_the_query_string_is_400_also_for_anonymous_callers_and_on_the_platform(db):
    assert_error(client_for("acme").get("/api/v1/courses?filter[title]=%00"), 400, "BAD_REQUEST")
    assert_error(client_for(None).get("/api/v1/organizations?filter[slug]=%00"), 400, "BAD_REQUEST")


def test_a_nul_in_a_page_address_is_the_bad_request_page(acme, acme_student):
    response = browser_for(acme, acme_student).get("/courses/?q=%00")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_a_nul_in_a_path_segment_is_400(acme_admin_client):
    assert_error(acme_admin_client.get("/api/v1/users/1%00"), 400, "BAD_REQUEST")


@pytest.mark.parametrize(
    "body",
    [
        '{"email": "orgadmin@acme.example.com", "password": "a\\u0000b"}',
        '{"email\\u0000": "x"}',
        '{"email": "x", "extra": {"deep": ["ok", "\\u0000"]}}',
    ],
)
def test_a_nul_anywhere_in_a_json_body_is_400_bad_request(acme_client, body):
    error = assert_error(post_json(acme_client, LOGIN, body), 400, "BAD_REQUEST")

    assert "NUL" in error["message"]


def test_a_nul_in_a_json_body_is_refused_before_any_view_writes(acme, acme_admin_client):
    response = acme_admin_client.post(
        USERS, {"email": "new@acme.example.com", "full_name": "a\x00b"}, format="json"
    )

    assert_error(response, 400, "BAD_REQUEST")
    with in_org(acme):
        from django.contrib.auth import get_user_model

        assert not get_user_model().objects.filter(email="new@acme.example.com").exists()


# --- JSON shape --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 100_000])
def test_json_nested_deeper_than_the_limit_is_400(acme_client, depth):
    body = "[" * depth + "]" * depth

    error = assert_error(post_json(acme_client, LOGIN, body), 400, "BAD_REQUEST")

    assert str(MAX_DEPTH) in error["message"]


def test_json_nested_up_to_the_limit_reaches_the_view(acme_client):
    body = json.dumps({"email": "x@acme.example.com", "password": "x", "extra": [[[["ok"]]]]})

    assert_error(post_json(acme_client, LOGIN, body), 401, "AUTHENTICATION_FAILED")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "1" * 5000])
def test_json_numbers_that_are_not_finite_or_too_long_are_400(acme_client, number):
    body = f'{{"email": "x@acme.example.com", "password": "x", "otp": {number}}}'

    assert_error(post_json(acme_client, LOGIN, body), 400, "BAD_REQUEST")


# --- LIKE patterns -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("acme.example.com\\", []),  # a trailing backslash is a literal backslash, not a broken pattern
        ("%\\", []),
        ("\\", []),
        ("teacher\\_x", []),  # \_ is a literal underscore
        ("orgadmin%", ["orgadmin@acme.example.com"]),
        ("south\\-", []),
        ("south\\%", []),  # \% is a literal percent sign
        ("south-_eacher%", ["south-teacher@acme.example.com"]),
    ],
)
def test_like_patterns_with_backslashes_are_escaped_not_server_errors(acme_admin_client, pattern, expected):
    response = acme_admin_client.get(USERS, {"filter[email][like]": pattern, "per_page": 100})

    assert sorted(u["email"] for u in assert_ok(response)) == expected


def test_a_literal_backslash_is_found(acme, acme_admin_client):
    from apps.hierarchy.models import Branch

    with in_org(acme):
        Branch.objects.create(code="bs", name="Back\\slash Campus")

    response = acme_admin_client.get(
        f"/api/v1/organizations/{acme.pk}/branches", {"filter[name][like]": "Back\\s"}
    )

    assert [b["name"] for b in assert_ok(response)] == ["Back\\slash Campus"]


@pytest.mark.parametrize(
    "query",
    [
        "filter[created_at][gt]=2024-13-45",
        "filter[created_at][gt]=99999-01-01",
        "filter[status]=nope",
        "filter[id]=99999999999999999999999",
        "filter[id][in]=1,x",
    ],
)
def test_a_bad_filter_value_on_any_field_type_is_400_with_details(acme_admin_client, query):
    response = acme_admin_client.get(f"{USERS}?{query}")

    if response.status_code == 200:  # an id beyond every row simply matches nothing
        assert assert_ok(response) == []
    else:
        assert assert_error(response, 400, "INVALID_FILTER")["details"]


# --- sizes and counts -------------------------------------------------------------------------------------


def test_a_json_body_over_the_limit_is_413_before_it_is_read(acme_client, settings):
    body = b'{"email": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'

    error = assert_error(post_json(acme_client, LOGIN, body), 413, "PAYLOAD_TOO_LARGE")

    assert error["details"] == {}


def test_a_form_body_over_the_limit_is_413_on_the_platform_api(operator_client, settings):
    body = b"name=" + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = operator_client.post(
        "/api/v1/organizations", data=body, content_type="application/x-www-form-urlencoded"
    )

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


@override_settings(MEDIA_MAX_UPLOAD_MB=1)
def test_an_upload_over_the_media_limit_is_413(acme, acme_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("acme", token=jwt_for(acme, acme_admin))
    big = SimpleUploadedFile("big.txt", b"x" * (4 * 1024 * 1024), content_type="text/plain")

    response = client.post("/api/v1/courses/1/cover", {"cover": big})

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_a_body_read_past_the_limit_without_a_length_is_413(acme_client, settings):
    """Django's own check (a body with no Content-Length read past DATA_UPLOAD_MAX_MEMORY_SIZE) lands in
    the exception handler: 413 there too."""
    from django.core.exceptions import RequestDataTooBig

    from apps.core.api.exceptions import envelope_exception_handler

    response = envelope_exception_handler(RequestDataTooBig("too big"), {})

    assert response.status_code == 413
    assert response.data["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_page_body_over_the_limit_is_the_too_large_page(acme, settings):
    body = b"email=" + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = browser_for(acme).post(
        "/accounts/login/", data=body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert "too large" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/imports", "/api/v1/courses"])
def test_more_than_1000_multipart_fields_is_400_on_an_upload_endpoint(acme_admin_client, path):
    response = acme_admin_client.post(path, {f"f{i}": "1" for i in range(1200)}, format="multipart")

    assert_error(response, 400, "BAD_REQUEST")


def test_more_than_1000_form_fields_on_a_json_endpoint_is_a_4xx(acme_client):
    body = "&".join(f"f{i}=1" for i in range(1200))

    response = acme_client.post(LOGIN, data=body, content_type="application/x-www-form-urlencoded")

    assert 400 <= response.status_code < 500
    assert response.json()["success"] is False


def test_more_than_1000_form_fields_is_the_bad_request_page(acme):
    body = "&".join(f"f{i}=1" for i in range(1200))

    response = browser_for(acme).post(
        "/accounts/login/", data=body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400


# --- integers beyond their column --------------------------------------------------------------------------


@pytest.mark.parametrize("seats", [2**31, 2**63, 10**30])
def test_seats_beyond_the_column_is_a_field_error(operator_client, acme, seats):
    response = operator_client.patch(f"/api/v1/organizations/{acme.pk}", {"seats": seats}, format="json")

    assert list(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == ["seats"]


def test_seats_at_the_column_maximum_is_accepted(operator_client, acme):
    response = operator_client.patch(f"/api/v1/organizations/{acme.pk}", {"seats": 2**31 - 1}, format="json")

    assert assert_ok(response)["subscription"]["seats"] == 2**31 - 1


def test_seats_beyond_the_column_is_a_field_error_in_the_console(acme, operator):
    response = browser_for(None, operator).post(
        f"/console/organizations/{acme.pk}/plan/", {"plan": "growth", "seats": str(2**31)}
    )

    assert response.status_code in (200, 302)
    acme.subscription.refresh_from_db()
    assert acme.subscription.seats != 2**31


def test_a_database_refusal_no_validator_caught_is_400_not_500():
    from django.db import DataError

    from apps.core.api.exceptions import envelope_exception_handler

    response = envelope_exception_handler(DataError("integer out of range"), {})

    assert response.status_code == 400
    assert response.data["error"]["code"] == "VALIDATION_ERROR"
    assert "integer" not in response.data["error"]["message"]  # the database's words stay in the log


def _request_integer_properties(document: dict):
    for name, component in document["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for prop, spec in component.get("properties", {}).items():
            for candidate in (spec, spec.get("items", {})):
                if candidate.get("type") == "integer" and not candidate.get("readOnly"):
                    yield f"{name}.{prop}", candidate


@pytest.mark.parametrize("slug", [None, "acme"])
def test_every_integer_a_request_body_takes_declares_its_maximum(db, acme, slug):
    """The guard for the next module: a serializer IntegerField without max_value lets a number beyond
    its column reach the database. Use column_range(model, field) or MAX_INT / MAX_ID (apps.core.api.fields)."""
    document = client_for(slug).get("/api/v1/schema/?format=json").json()

    unbounded = [name for name, spec in _request_integer_properties(document) if "maximum" not in spec]

    assert unbounded == []


# --- line breaks in names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Acme\r\nBcc: x@example.com", "Acme\nAcademy", "Acme\x0bAcademy", "Acme\u2028Academy"]
)
def test_a_line_break_in_an_organization_name_is_a_field_error(operator_client, acme, name):
    response = operator_client.patch(f"/api/v1/organizations/{acme.pk}", {"name": name}, format="json")

    assert list(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == ["name"]
    acme.refresh_from_db()
    assert acme.name == "Acme Academy"


def test_a_line_break_in_a_new_organization_name_is_refused(operator_client):
    response = operator_client.post(
        "/api/v1/organizations",
        {"name": "New\r\nOrg", "slug": "neworg", "plan": "starter", "admin_email": "a@neworg.example.com"},
        format="json",
    )

    assert "name" in assert_error(response, 400, "VALIDATION_ERROR")["details"]


def test_a_line_break_in_the_display_name_is_a_field_error(acme, acme_admin_client):
    response = acme_admin_client.patch(
        f"/api/v1/organizations/{acme.pk}/settings", {"display_name": "Acme\r\nX"}, format="json"
    )

    assert list(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == ["display_name"]


def test_an_org_admin_cannot_rename_the_organization_with_a_line_break(acme, acme_admin_client):
    response = acme_admin_client.patch(f"/api/v1/organizations/{acme.pk}", {"name": "A\nB"}, format="json")

    assert list(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == ["name"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (USERS, {"email": "crlf@acme.example.com", "full_name": "Eve\r\nBcc: x"}, "full_name"),
        ("/api/v1/classes", {"name": "Algebra\n2", "branch": None}, "name"),
        ("/api/v1/courses", {"title": "Course\r\nTitle"}, "title"),
        ("/api/v1/categories", {"name": "Cat\negory"}, "name"),
        ("/api/v1/api-keys", {"name": "key\nname", "scopes": []}, "name"),
    ],
)
def test_a_line_break_in_a_name_or_title_is_a_field_error(acme_admin_client, path, body, field):
    response = acme_admin_client.post(path, body, format="json")

    assert field in assert_error(response, 400, "VALIDATION_ERROR")["details"]


def test_a_line_break_in_the_console_organization_name_is_a_form_error(operator):
    response = browser_for(None, operator).post(
        "/console/organizations/new/",
        {"name": "Bad\r\nName", "slug": "badname", "plan": "starter", "admin_email": "a@badname.example.com"},
    )

    assert response.status_code == 200
    assert "single line" in response.content.decode()


def test_an_organization_named_with_a_line_break_before_validation_still_sends_its_emails(acme, acme_student):
    """Names stored before they were validated still make one-line subjects: forgot-password answers 200
    and the email goes out."""
    from tenants.models import Organization, OrganizationSettings

    Organization.objects.filter(pk=acme.pk).update(name="Acme\r\nBcc: victim@example.com")
    OrganizationSettings.objects.filter(organization=acme).update(display_name="")

    response = client_for("acme").post(
        "/api/v1/auth/forgot-password", {"email": acme_student.email}, format="json"
    )

    assert_ok(response)
    [message] = mail.outbox
    assert message.subject.startswith("[Acme Bcc: victim@example.com] ")
    assert "\n" not in message.subject
    assert "\r" not in message.subject
    assert message.to == [acme_student.email]


def test_an_invitation_from_an_organization_named_with_a_line_break_is_sent(
    acme, acme_admin_client, django_capture_on_commit_callbacks
):
    from tenants.models import Organization, OrganizationSettings

    Organization.objects.filter(pk=acme.pk).update(name="Acme\nAcademy")
    OrganizationSettings.objects.filter(organization=acme).update(display_name="")

    with django_capture_on_commit_callbacks(execute=True):
        response = acme_admin_client.post(USERS, {"email": "invitee@acme.example.com"}, format="json")

    assert response.status_code == 201, response.content
    [message] = mail.outbox
    assert message.subject == "You are invited to Acme Academy on LearnStack"


def test_the_single_line_field_refuses_every_control_character():
    from apps.core.api.fields import SingleLineCharField

    field = SingleLineCharField()
    for char in ["\r", "\n", "\t", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]:
        with pytest.raises(serializers.ValidationError):
            field.run_validation(f"a{char}b")
    assert field.run_validation("Ünïcödé — names & titles") == "Ünïcödé — names & titles"
