"""Host -> organization: how the Host header is read, and how long the answer is remembered (a known
host for TENANT_CACHE_SECONDS, an unknown one for 30 s, both dropped as soon as an organization changes)."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for

START = 1_700_000_000.0


@pytest.fixture
def cache_clock(monkeypatch):
    """The cache's clock, stopped at START; move it with `cache_clock.now`."""
    clock = SimpleNamespace(now=START)
    fake_time = SimpleNamespace(time=lambda: clock.now)
    monkeypatch.setattr("django.core.cache.backends.locmem.time", fake_time)
    monkeypatch.setattr("django.core.cache.backends.base.time", fake_time)
    return clock


def routing_queries(client, path: str = "/"):
    """The status code and how many queries read the domain table to answer `path`."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, sum("tenants_domain" in q["sql"] for q in queries.captured_queries)


def lookups(hostname: str) -> int:
    from tenants.resolution import organization_for_host

    with CaptureQueriesContext(connection) as queries:
        organization_for_host(hostname)
    return len(queries.captured_queries)


def test_an_unknown_host_is_remembered_as_unknown(db):
    client = client_for("nosuchorg")

    first = routing_queries(client, "/")
    second = routing_queries(client, "/")

    assert first == (404, 1)
    assert second == (404, 0)
    assert "nosuchorg.learnstack.test" in client.get("/").content.decode()


def test_an_unknown_host_is_remembered_for_30_seconds(db, cache_clock):
    client = client_for("nosuchorg")
    client.get("/")

    cache_clock.now = START + 29
    assert routing_queries(client, "/") == (404, 0)
    cache_clock.now = START + 30
    assert routing_queries(client, "/") == (404, 1)


@override_settings(TENANT_CACHE_SECONDS=120)
def test_a_known_host_is_remembered_for_tenant_cache_seconds(acme_client, cache_clock):
    acme_client.get("/")

    cache_clock.now = START + 119
    assert routing_queries(acme_client, "/") == (200, 0)
    cache_clock.now = START + 120
    assert routing_queries(acme_client, "/") == (200, 1)


def test_host_lookups_ignore_case_and_share_one_entry(acme):
    from tenants.resolution import organization_for_host

    assert organization_for_host("ACME.Learnstack.TEST") == acme
    assert lookups("acme.learnstack.test") == 0
    assert organization_for_host("acme.learnstack.test").slug == "acme"


def test_a_cached_organization_brings_its_settings_and_plan(acme):
    from tenants.resolution import organization_for_host

    organization_for_host("acme.learnstack.test")  # warms the cache
    cached = organization_for_host("acme.learnstack.test")

    with CaptureQueriesContext(connection) as queries:
        assert cached.subscription.plan.code == "growth"
        assert cached.settings is not None
    assert len(queries.captured_queries) == 0


def test_forgetting_hosts_makes_the_next_lookup_read_the_database(acme, globex):
    from tenants.resolution import forget_hosts, organization_for_host

    for host in ("acme.learnstack.test", "globex.learnstack.test", "nosuchorg.learnstack.test"):
        organization_for_host(host)

    forget_hosts(["ACME.learnstack.test", "nosuchorg.learnstack.test"])

    assert lookups("acme.learnstack.test") == 1
    assert lookups("nosuchorg.learnstack.test") == 1
    assert lookups("globex.learnstack.test") == 0


def test_a_port_in_the_host_header_reaches_the_same_organization(acme):
    response = client_for(None).get("/", HTTP_HOST="acme.learnstack.test:8000")

    assert response.status_code == 200
    assert "Acme Academy" in response.content.decode()
    assert response.wsgi_request.tenant.domain_url == "acme.learnstack.test"
    assert lookups("acme.learnstack.test") == 0  # cached under the host without its port


def test_an_upper_case_host_header_reaches_the_organization(acme):
    response = client_for(None).get("/", HTTP_HOST="ACME.LearnStack.test")

    assert response.status_code == 200
    assert response.wsgi_request.tenant.slug == "acme"


def test_a_request_to_an_unknown_host_runs_in_the_public_schema(acme_client):
    acme_client.get("/")
    assert connection.schema_name == "acme"

    client_for("nosuchorg").get("/")

    assert connection.schema_name == "public"
