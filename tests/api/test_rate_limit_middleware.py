"""The rate limit on /api/ answers that no DRF view produced (the catch-all 404, a suspended org's refusal):
counted, announced and enforced by the middleware itself. Pages are not API calls: no headers, no budget.
And the counters' own bookkeeping: how long they live, and what happens when the cache lost one.

The rate limiter's clock is frozen 45 s into a window (conftest.FROZEN_NOW); `cache_clock` moves the
cache's clock along with it, so expiry is exact too."""

from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.conftest import client_for

from .conftest import FROZEN_NOW, WINDOW_RESET
from .helpers import assert_error, bad_login, expected_rate_limit_headers, rate_limit_headers

NOWHERE = "/api/v1/nothing-here"
LOGIN = "/api/v1/auth/login"
WINDOW_START = WINDOW_RESET - 60


def headers(limit: int, remaining: int, reset: int = WINDOW_RESET) -> dict[str, str]:
    return expected_rate_limit_headers(limit, remaining, reset)


@pytest.fixture
def cache_clock(frozen_clock, monkeypatch):
    """The cache's clock follows the rate limiter's (frozen_clock.now)."""
    fake_time = SimpleNamespace(time=lambda: frozen_clock.now)
    monkeypatch.setattr("django.core.cache.backends.locmem.time", fake_time)
    monkeypatch.setattr("django.core.cache.backends.base.time", fake_time)
    return frozen_clock


def counter(principal: str, schema: str = "acme", window_start: int = WINDOW_START):
    return caches["platform"].get(f"ratelimit:{schema}:{principal}:{window_start}")


def test_answers_no_view_produced_are_refused_with_429_over_the_limit(
    acme_client, frozen_clock, small_limits
):
    answers = [acme_client.get(NOWHERE) for _ in range(3)]

    assert [a.status_code for a in answers] == [404, 404, 429]
    assert [rate_limit_headers(a) for a in answers] == [headers(2, 1), headers(2, 0), headers(2, 0)]
    error = assert_error(answers[2], 429, "RATE_LIMITED")
    assert error["message"] == "Request was throttled. Expected available in 15 seconds."
    assert answers[2]["Retry-After"] == "15"


def test_the_middleware_and_the_views_spend_one_budget(acme_client, frozen_clock, small_limits):
    bad_login(acme_client)
    acme_client.get(NOWHERE)

    refused = bad_login(acme_client)

    assert_error(refused, 429, "RATE_LIMITED")


def test_at_the_last_second_of_the_window_retry_after_is_one_second(acme_client, frozen_clock, small_limits):
    frozen_clock.now = WINDOW_RESET - 1
    for _ in range(2):
        acme_client.get(NOWHERE)
        bad_login(acme_client)

    by_middleware = acme_client.get(NOWHERE)
    by_view = bad_login(acme_client)

    assert (by_middleware.status_code, by_middleware["Retry-After"]) == (429, "1")
    assert (by_view.status_code, by_view["Retry-After"]) == (429, "1")


def test_a_suspended_orgs_refusal_is_counted_and_announced(acme, acme_client, frozen_clock, small_limits):
    from tenants.services import organization_suspend

    organization_suspend(organization=acme, reason="unpaid")

    answers = [acme_client.get("/api/v1/auth/me") for _ in range(3)]

    assert [a.status_code for a in answers] == [403, 403, 429]
    assert_error(answers[0], 403, "TENANT_SUSPENDED")
    assert rate_limit_headers(answers[0]) == headers(2, 1)


def test_an_unknown_hosts_api_answer_spends_no_budget_and_has_no_headers(db, frozen_clock, small_limits):
    answers = [client_for("nosuchorg").get("/api/v1/auth/me") for _ in range(3)]

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert [rate_limit_headers(a) for a in answers] == [{}, {}, {}]


def test_pages_carry_no_rate_limit_headers_and_spend_no_api_budget(acme_client, frozen_clock, small_limits):
    pages = [acme_client.get("/accounts/login/") for _ in range(3)]

    response = bad_login(acme_client)

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert [rate_limit_headers(p) for p in pages] == [{}, {}, {}]
    assert rate_limit_headers(response) == headers(2, 1)


def test_a_path_that_only_starts_like_the_api_is_a_page(acme_client, frozen_clock, small_limits):
    response = acme_client.get("/apis")

    assert response.status_code == 404
    assert rate_limit_headers(response) == {}


def test_a_counter_lives_for_its_window_plus_five_seconds(acme_client, cache_clock, small_limits):
    cache_clock.now = WINDOW_START
    bad_login(acme_client)

    cache_clock.now = WINDOW_START + 64
    assert counter("ip:127.0.0.1") == 1
    cache_clock.now = WINDOW_START + 65
    assert counter("ip:127.0.0.1") is None


def test_a_counter_made_at_the_start_of_the_window_counts_until_its_end(
    acme_client, cache_clock, small_limits
):
    cache_clock.now = WINDOW_START
    bad_login(acme_client)

    cache_clock.now = WINDOW_RESET - 1
    response = bad_login(acme_client)

    assert rate_limit_headers(response) == headers(2, 0)


def test_a_counter_evicted_before_its_increment_starts_again_at_one(
    acme_client, cache_clock, small_limits, monkeypatch
):
    cache = caches["platform"]
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: True)  # stored, then evicted at once

    first = bad_login(acme_client)
    second = bad_login(acme_client)

    assert rate_limit_headers(first) == headers(2, 1)
    assert rate_limit_headers(second) == headers(2, 0)
    # The restarted counter expires like a new one: window plus five seconds after it was made.
    cache_clock.now = FROZEN_NOW + 64
    assert counter("ip:127.0.0.1") == 2
    cache_clock.now = FROZEN_NOW + 65
    assert counter("ip:127.0.0.1") is None


@override_settings(NUM_PROXIES=2)
def test_behind_two_proxies_the_address_two_hops_back_is_counted(acme_client, frozen_clock, small_limits):
    for _ in range(2):
        acme_client.post(
            LOGIN,
            {"email": "x@example.com", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.1",
        )

    same_client = acme_client.post(
        LOGIN,
        {"email": "x@example.com", "password": "x"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.2",
    )
    other_client = acme_client.post(
        LOGIN,
        {"email": "x@example.com", "password": "x"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.2, 10.0.0.1",
    )

    assert_error(same_client, 429, "RATE_LIMITED")
    assert rate_limit_headers(other_client) == headers(2, 1)


@override_settings(NUM_PROXIES=2)
def test_a_shorter_forwarded_chain_than_the_proxies_counts_its_first_address(acme_client, frozen_clock):
    acme_client.post(
        LOGIN, {"email": "x@example.com", "password": "x"}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert counter("ip:198.51.100.7") == 1


@override_settings(NUM_PROXIES=1)
def test_behind_one_proxy_the_address_it_saw_is_counted_not_what_the_client_claimed(
    acme_client, frozen_clock, small_limits
):
    for claimed in ("203.0.113.50", "203.0.113.51"):
        acme_client.post(
            LOGIN,
            {"email": "x@example.com", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"{claimed}, 198.51.100.1",
        )

    assert counter("ip:198.51.100.1") == 2
    assert counter("ip:203.0.113.50") is None


def test_without_a_proxy_setting_the_forwarded_header_is_ignored(acme_client, frozen_clock, settings):
    del settings.NUM_PROXIES

    acme_client.post(
        LOGIN, {"email": "x@example.com", "password": "x"}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert counter("ip:127.0.0.1") == 1
    assert counter("ip:198.51.100.7") is None


def test_an_answer_made_without_an_organization_is_left_alone(db):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from apps.core.api.throttling import ApiRateLimitMiddleware

    middleware = ApiRateLimitMiddleware(lambda request: HttpResponse(status=404))

    response = middleware(RequestFactory().get("/api/v1/anything"))

    assert response.status_code == 404
    assert rate_limit_headers(response) == {}
