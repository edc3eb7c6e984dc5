"""1000/min per authenticated principal, 100/min per anonymous IP, counted per organization, announced in
X-RateLimit-* headers on every API response; over the limit, 429 RATE_LIMITED with Retry-After.

The rate limiter's clock is frozen 45 s into a window (conftest.FROZEN_NOW), so headers are exact."""

from django.test import override_settings

from tests.conftest import PASSWORD, client_for, jwt_for

from .conftest import FROZEN_NOW, WINDOW_RESET
from .helpers import (
    assert_error,
    assert_ok,
    bad_login,
    create_user,
    expected_rate_limit_headers,
    rate_limit_headers,
)

ORGANIZATIONS = "/api/v1/organizations"
ME = "/api/v1/auth/me"
LOGIN = "/api/v1/auth/login"


def headers(limit: int, remaining: int, reset: int = WINDOW_RESET) -> dict[str, str]:
    return expected_rate_limit_headers(limit, remaining, reset)


def test_authenticated_callers_get_1000_a_minute_by_default(operator_client, frozen_clock):
    first = operator_client.get(ORGANIZATIONS)
    second = operator_client.get(ORGANIZATIONS)

    assert rate_limit_headers(first) == headers(1000, 999)
    assert rate_limit_headers(second) == headers(1000, 998)


def test_anonymous_callers_get_100_a_minute_by_default(acme_client, frozen_clock):
    response = bad_login(acme_client)

    assert_error(response, 401, "AUTHENTICATION_FAILED")
    assert rate_limit_headers(response) == headers(100, 99)


@override_settings(API_RATE_LIMITS={"authenticated": 10, "anonymous": 5, "window_seconds": 60})
def test_every_kind_of_api_response_carries_the_headers(
    operator_client, staff_client, public_client, acme, frozen_clock
):
    responses = {
        "200 list": operator_client.get(ORGANIZATIONS),
        "200 detail": operator_client.get(f"{ORGANIZATIONS}/{acme.pk}"),
        "400": operator_client.get(ORGANIZATIONS, {"page": "0"}),
        "404": operator_client.get(f"{ORGANIZATIONS}/999999"),
        "405": operator_client.delete(ORGANIZATIONS),
        "401": public_client.get(ORGANIZATIONS),
        "401 bad token": client_for(None, token="garbage").get(ORGANIZATIONS),
        "403": staff_client.get(ORGANIZATIONS),
    }

    assert {name: (r.status_code, rate_limit_headers(r)) for name, r in responses.items()} == {
        "200 list": (200, headers(10, 9)),
        "200 detail": (200, headers(10, 8)),
        "400": (400, headers(10, 7)),
        "404": (404, headers(10, 6)),
        "405": (405, headers(10, 5)),
        "401": (401, headers(5, 4)),
        "401 bad token": (401, headers(5, 3)),  # a token that fails counts against the caller's IP
        "403": (403, headers(10, 9)),  # another principal: its own budget
    }


def test_a_500_carries_the_headers(operator_client, monkeypatch, frozen_clock):
    from tenants import selectors

    def broken_selector(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "organization_list", broken_selector)

    response = operator_client.get(ORGANIZATIONS)

    assert_error(response, 500, "SERVER_ERROR")
    assert rate_limit_headers(response) == headers(1000, 999)


def test_over_the_limit_is_429_with_retry_after(operator_client, frozen_clock, small_limits):
    allowed = [operator_client.get(ORGANIZATIONS) for _ in range(3)]

    refused = operator_client.get(ORGANIZATIONS)

    assert [r.status_code for r in allowed] == [200, 200, 200]
    error = assert_error(refused, 429, "RATE_LIMITED")
    assert error["message"] == "Request was throttled. Expected available in 15 seconds."
    assert refused["Retry-After"] == str(WINDOW_RESET - FROZEN_NOW)
    assert rate_limit_headers(refused) == headers(3, 0)


def test_the_budget_comes_back_when_the_window_ends(operator_client, frozen_clock, small_limits):
    for _ in range(4):
        operator_client.get(ORGANIZATIONS)
    assert operator_client.get(ORGANIZATIONS).status_code == 429

    frozen_clock.now = WINDOW_RESET
    response = operator_client.get(ORGANIZATIONS)

    assert_ok(response)
    assert rate_limit_headers(response) == headers(3, 2, reset=WINDOW_RESET + 60)


def test_failed_authentication_is_rate_limited_too(db, frozen_clock, small_limits):
    client = client_for(None, token="garbage")

    responses = [client.get(ORGANIZATIONS) for _ in range(3)]

    assert [r.status_code for r in responses] == [401, 401, 429]
    assert_error(responses[2], 429, "RATE_LIMITED")
    assert responses[2]["Retry-After"] == "15"


def test_unauthenticated_calls_to_protected_endpoints_spend_the_anonymous_budget(
    acme_client, frozen_clock, small_limits
):
    first = acme_client.get(ME)
    second = bad_login(acme_client)
    third = acme_client.get(ME)

    assert (first.status_code, second.status_code, third.status_code) == (401, 401, 429)
    assert rate_limit_headers(first) == headers(2, 1)
    assert rate_limit_headers(second) == headers(2, 0)


def test_one_orgs_anonymous_traffic_does_not_spend_another_orgs_budget(
    acme_client, globex_client, frozen_clock, small_limits
):
    for _ in range(3):
        bad_login(acme_client)
    assert bad_login(acme_client).status_code == 429

    response = bad_login(globex_client)

    assert_error(response, 401, "AUTHENTICATION_FAILED")
    assert rate_limit_headers(response) == headers(2, 1)


def test_the_platforms_traffic_does_not_spend_an_orgs_budget(
    public_client, acme_client, frozen_clock, small_limits
):
    for _ in range(3):
        bad_login(public_client)

    response = bad_login(acme_client)

    assert rate_limit_headers(response) == headers(2, 1)


def test_two_users_of_one_org_do_not_share_a_budget(acme, acme_admin_client, frozen_clock, small_limits):
    second = create_user(acme, "second.caller@acme.example.com", password=PASSWORD, full_name="Second Caller")
    second_client = client_for("acme", token=jwt_for(acme, second))
    for _ in range(3):
        acme_admin_client.get(ME)
    assert acme_admin_client.get(ME).status_code == 429

    response = second_client.get(ME)

    assert assert_ok(response)["email"] == "second.caller@acme.example.com"
    assert rate_limit_headers(response) == headers(3, 2)


def test_same_user_id_in_two_orgs_has_two_budgets(
    acme_admin_client, globex_admin_client, frozen_clock, small_limits
):
    for _ in range(3):
        acme_admin_client.get(ME)
    assert acme_admin_client.get(ME).status_code == 429

    response = globex_admin_client.get(ME)

    assert_ok(response)
    assert rate_limit_headers(response) == headers(3, 2)


def test_signing_in_does_not_spend_the_anonymous_budget_of_the_same_ip(
    acme_client, acme_admin_client, frozen_clock, small_limits
):
    for _ in range(3):
        bad_login(acme_client)
    assert bad_login(acme_client).status_code == 429

    response = acme_admin_client.get(ME)

    assert_ok(response)
    assert rate_limit_headers(response) == headers(3, 2)


def test_anonymous_callers_are_told_apart_by_ip(acme, frozen_clock, small_limits):
    first_ip = client_for("acme")
    first_ip.defaults["REMOTE_ADDR"] = "203.0.113.1"
    second_ip = client_for("acme")
    second_ip.defaults["REMOTE_ADDR"] = "203.0.113.2"
    for _ in range(3):
        bad_login(first_ip)

    response = bad_login(second_ip)

    assert rate_limit_headers(response) == headers(2, 1)


def test_a_forged_forwarded_for_header_does_not_buy_a_new_budget(acme_client, frozen_clock, small_limits):
    for index in range(2):
        acme_client.post(
            LOGIN,
            {"email": "x@example.com", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{index}",
        )

    response = acme_client.post(
        LOGIN,
        {"email": "x@example.com", "password": "x"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )

    assert_error(response, 429, "RATE_LIMITED")


@override_settings(NUM_PROXIES=1)
def test_behind_a_trusted_proxy_the_forwarded_client_address_is_counted(
    acme_client, frozen_clock, small_limits
):
    for _ in range(3):
        acme_client.post(
            LOGIN,
            {"email": "x@example.com", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )

    response = acme_client.post(
        LOGIN, {"email": "x@example.com", "password": "x"}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.2"
    )

    assert_error(response, 401, "AUTHENTICATION_FAILED")
    assert rate_limit_headers(response) == headers(2, 1)


def test_an_unknown_api_path_carries_the_headers(operator_client, frozen_clock):
    response = operator_client.get("/api/v1/nothing-here")

    assert_error(response, 404, "NOT_FOUND")
    assert rate_limit_headers(response) == headers(100, 99)
