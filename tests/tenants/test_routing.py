"""Host routing: org hosts reach their schema, BASE_DOMAIN the platform, anything else a 404 page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import browser_for, client_for, jwt_for


def test_org_host_serves_that_orgs_home(acme_client):
    response = acme_client.get("/")

    assert response.status_code == 200
    assert "Acme Academy" in response.content.decode()


def test_unknown_host_gets_a_404_page_not_public_content(db):
    response = client_for("nosuchorg").get("/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "No organization here" in body
    assert "console" not in body.lower()


def test_unknown_host_api_gets_enveloped_404(db):
    response = client_for("nosuchorg").get("/api/v1/auth/me")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_public_host_redirects_to_console(public_client):
    response = public_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/console/"


def test_console_is_not_served_on_org_hosts(acme_client):
    assert acme_client.get("/console/").status_code == 404


def test_health_answers_on_any_host(db):
    for client in (client_for(None), client_for("acme"), client_for("nosuchorg")):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_health_answers_for_a_host_outside_allowed_hosts(db):
    from django.test import Client

    response = Client(HTTP_HOST="10.0.0.7:8000").get("/healthz")

    assert response.status_code == 200


def test_health_reports_a_broken_cache_as_degraded(db, monkeypatch):
    from django.core.cache import caches

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(caches["platform"], "set", broken)

    response = client_for(None).get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "unavailable"}}


def test_warm_routing_costs_no_database_query(acme, acme_admin):
    client = client_for("acme", token=jwt_for(acme, acme_admin))
    client.get("/api/v1/auth/me")  # warms the host cache

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/auth/me")

    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    # search_path once and the user (their roles are their scope's, kept since the first request): nothing
    # reads the domain or organization tables.
    assert statements[0] == 'SET search_path = "acme","public"'
    assert not [s for s in statements if "tenants_domain" in s or "tenants_organization" in s]
    assert len(statements) == 2


def test_search_path_is_set_once_per_request_not_per_cursor(acme, acme_admin):
    client = browser_for(acme, acme_admin)
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) >= 3  # session, user and roles: several cursors
    assert sum(s.startswith("SET search_path") for s in statements) == 1


def test_routing_cache_is_invalidated_when_the_org_changes(
    acme, acme_client, django_capture_on_commit_callbacks
):
    from tenants.services import organization_suspend

    assert acme_client.get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        organization_suspend(organization=acme, reason="unpaid")

    assert acme_client.get("/").status_code == 403


def test_each_request_runs_in_its_hosts_schema(acme_client, globex_client):
    acme_client.get("/")
    assert connection.schema_name == "acme"
    globex_client.get("/")
    assert connection.schema_name == "globex"
