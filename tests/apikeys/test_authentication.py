"""A key authenticates as its creator on its own organization's host, sent as `Authorization: Api-Key` or
`X-API-Key`; a wrong, revoked or expired key, or one whose creator is deactivated, is refused with 401 and
a code that says why. `last_used_at` is written at most once a minute, and each key has its own rate
limit."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.apikeys.authentication import ApiKeyAuthentication
from apps.apikeys.models import ApiKey
from tenants.models import OrganizationEvent
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, jwt_for

from .conftest import in_days, issue, key_client, org_path, store


@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
def test_a_key_is_accepted_in_either_header(acme, acme_key, header):
    response = key_client("acme", acme_key.raw, header=header).get(org_path(acme))

    assert assert_ok(response)["slug"] == "acme"


def test_the_authorization_keyword_is_case_insensitive(acme, acme_key):
    client = client_for("acme")
    client.credentials(HTTP_AUTHORIZATION=f"api-key {acme_key.raw}")

    assert client.get(org_path(acme)).status_code == 200


def test_a_key_acts_as_its_creator(acme, acme_admin):
    _, raw = issue(acme, acme_admin, scopes=["organization:write"])

    response = key_client("acme", raw).put(org_path(acme), {"name": "Acme Learning"}, format="json")

    assert assert_ok(response)["name"] == "Acme Learning"
    event = OrganizationEvent.objects.get(organization=acme, action="updated")
    assert event.actor_email == "orgadmin@acme.example.com"


def test_the_authenticated_request_carries_the_creator_and_the_key(acme, acme_admin, acme_key):
    request = Request(APIRequestFactory().get("/", HTTP_X_API_KEY=acme_key.raw))

    with schema_context("acme"):
        user, auth = ApiKeyAuthentication().authenticate(request)

    assert (user, auth) == (acme_admin, acme_key.api_key)
    assert request.api_key == acme_key.api_key
    assert request._request.api_key == acme_key.api_key


def test_without_a_key_header_jwt_and_sessions_decide(acme, acme_admin):
    request = Request(APIRequestFactory().get("/", HTTP_AUTHORIZATION="Bearer something"))

    with schema_context("acme"):
        assert ApiKeyAuthentication().authenticate(request) is None
    jwt_client = client_for("acme", token=jwt_for(acme, acme_admin))
    assert assert_ok(jwt_client.get(org_path(acme)))["slug"] == "acme"


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"), id="wrong-secret"),
        pytest.param(lambda raw: "lsk_zzzzzzzz_" + raw.split("_")[2], id="unknown-prefix"),
        pytest.param(lambda raw: raw + "x", id="too-long"),
        pytest.param(lambda raw: "not-a-key", id="malformed"),
        pytest.param(lambda raw: "", id="empty"),
    ],
)
def test_a_wrong_key_is_refused(acme, acme_key, mangle):
    response = key_client("acme", mangle(acme_key.raw), header="x-api-key").get(org_path(acme))

    assert_error(response, 401, "API_KEY_INVALID")


def test_an_authorization_header_without_a_key_is_refused(acme, acme_key):
    client = client_for("acme")
    client.credentials(HTTP_AUTHORIZATION="Api-Key")

    assert_error(client.get(org_path(acme)), 401, "API_KEY_INVALID")


def test_a_revoked_key_is_refused(acme, acme_admin):
    _, raw = store(acme, acme_admin, revoked=True)

    error = assert_error(key_client("acme", raw).get(org_path(acme)), 401, "API_KEY_REVOKED")

    assert error["message"] == "This API key has been revoked."


def test_a_revoked_key_with_a_wrong_secret_reveals_nothing(acme, acme_admin):
    _, raw = store(acme, acme_admin, revoked=True)
    wrong = raw[:-1] + ("A" if raw[-1] != "A" else "B")

    assert_error(key_client("acme", wrong).get(org_path(acme)), 401, "API_KEY_INVALID")


def test_an_expired_key_is_refused(acme, acme_admin):
    _, raw = store(acme, acme_admin, expires_at=timezone.now() - datetime.timedelta(seconds=1))

    error = assert_error(key_client("acme", raw).get(org_path(acme)), 401, "API_KEY_EXPIRED")

    assert error["message"] == "This API key has expired."


def test_a_key_that_has_not_expired_yet_works(acme, acme_admin):
    _, raw = store(acme, acme_admin, expires_at=in_days(1))

    assert key_client("acme", raw).get(org_path(acme)).status_code == 200


def test_a_key_of_a_deactivated_creator_is_refused(acme, acme_admin, acme_key):
    with schema_context("acme"):
        type(acme_admin).objects.filter(pk=acme_admin.pk).update(status="deactivated")
    response = key_client("acme", acme_key.raw).get(org_path(acme))

    error = assert_error(response, 401, "API_KEY_CREATOR_INACTIVE")

    assert error["message"] == "The person this API key acts as is no longer active."


def test_an_acme_key_is_unknown_on_globex_host(acme_key, globex):
    for header in ("authorization", "x-api-key"):
        response = key_client("globex", acme_key.raw, header=header).get(org_path(globex))

        assert_error(response, 401, "API_KEY_INVALID")
        assert "Globex" not in response.content.decode()


def test_a_key_is_refused_on_the_platform_host(acme_key):
    response = key_client(None, acme_key.raw).get("/api/v1/organizations")

    assert_error(response, 401, "API_KEY_INVALID")


def test_last_used_at_is_written_at_most_once_a_minute(acme, acme_key):
    client = key_client("acme", acme_key.raw)
    before = timezone.now()

    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert client.get(org_path(acme)).status_code == 200

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "apikeys_apikey"')]
    assert len(updates) == 1
    with schema_context("acme"):
        first_use = ApiKey.objects.get().last_used_at
    assert before <= first_use <= timezone.now()


def test_last_used_at_moves_on_after_a_minute(acme, acme_key):
    a_while_ago = timezone.now() - datetime.timedelta(seconds=61)
    with schema_context("acme"):
        ApiKey.objects.update(last_used_at=a_while_ago)

    with CaptureQueriesContext(connection) as queries:
        assert key_client("acme", acme_key.raw).get(org_path(acme)).status_code == 200

    assert sum(q["sql"].startswith('UPDATE "apikeys_apikey"') for q in queries.captured_queries) == 1
    with schema_context("acme"):
        assert ApiKey.objects.get().last_used_at > a_while_ago + datetime.timedelta(seconds=60)


def test_last_used_at_is_not_written_within_the_minute(acme, acme_key):
    recently = timezone.now() - datetime.timedelta(seconds=30)
    with schema_context("acme"):
        ApiKey.objects.update(last_used_at=recently)

    with CaptureQueriesContext(connection) as queries:
        assert key_client("acme", acme_key.raw).get(org_path(acme)).status_code == 200

    assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    with schema_context("acme"):
        assert ApiKey.objects.get().last_used_at == recently


@override_settings(API_RATE_LIMITS={"authenticated": 2, "anonymous": 1, "window_seconds": 60})
def test_each_key_has_its_own_rate_limit(acme, acme_admin, frozen_clock):
    _, first = issue(acme, acme_admin, name="First service")
    _, second = issue(acme, acme_admin, name="Second service")
    first_client, second_client = key_client("acme", first), key_client("acme", second)

    first_answers = [first_client.get(org_path(acme)) for _ in range(3)]
    second_answer = second_client.get(org_path(acme))
    creator_answer = client_for("acme", token=jwt_for(acme, acme_admin)).get(org_path(acme))

    assert [r.status_code for r in first_answers] == [200, 200, 429]
    assert_error(first_answers[2], 429, "RATE_LIMITED")
    assert [r["X-RateLimit-Remaining"] for r in first_answers] == ["1", "0", "0"]
    assert (second_answer.status_code, second_answer["X-RateLimit-Remaining"]) == (200, "1")
    assert (creator_answer.status_code, creator_answer["X-RateLimit-Remaining"]) == (200, "1")
