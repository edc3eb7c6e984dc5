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
    # Only the user (their roles are their scope's, kept since the first request; the session's search_path
    # is still acme's from it): nothing reads the domain or organization tables.
    assert not [s for s in statements if "tenants_domain" in s or "tenants_organization" in s]
    assert not [s for s in statements if s.startswith("SET search_path")]
    assert len(statements) == 1


def test_search_path_is_set_once_per_request_not_per_cursor(acme, acme_admin, globex, globex_admin):
    client = browser_for(acme, acme_admin)
    client.get("/")
    browser_for(globex, globex_admin).get("/")  # the session is now on globex's schema

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) >= 3  # session, user and roles: several cursors
    assert [s for s in statements if s.startswith("SET search_path")] == ['SET search_path = "acme","public"']


def _sets(client, path="/"):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SET search_path")]


def test_the_search_path_is_set_again_only_when_the_organization_changes(
    acme, acme_admin, globex, globex_admin
):
    """apps/core/db: the session keeps the search_path between requests; a request for the same
    organization sends no SET, one for another sends its own, and each reads its own rows."""
    acme_browser, globex_browser = browser_for(acme, acme_admin), browser_for(globex, globex_admin)
    acme_browser.get("/")
    globex_browser.get("/")  # the host -> organization lookups are cached from here on
    acme_browser.get("/")
    assert _sets(acme_browser) == []
    assert _sets(globex_browser) == ['SET search_path = "globex","public"']
    assert _sets(globex_browser) == []
    assert _sets(acme_browser) == ['SET search_path = "acme","public"']
    me = client_for("acme", token=jwt_for(acme, acme_admin)).get("/api/v1/auth/me").json()["data"]
    assert me["email"] == acme_admin.email
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        assert cursor.fetchone()[0] == "acme, public"


def test_after_a_rollback_the_search_path_is_set_again(acme, acme_admin):
    """A rolled-back transaction may have taken the SET with it (PostgreSQL's SET is transactional): the
    record is not trusted after it, and the search_path is set again before the next statement."""
    from django.db import transaction

    client = browser_for(acme, acme_admin)
    client.get("/")
    assert _sets(client) == []
    with CaptureQueriesContext(connection) as queries:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        assert client.get("/").status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    rolled_back = next(n for n, sql in enumerate(statements) if sql.startswith("ROLLBACK TO SAVEPOINT"))
    assert 'SET search_path = "acme","public"' in statements[rolled_back:]


def test_a_rollback_to_a_savepoint_forgets_the_sessions_search_path(acme, acme_admin):
    from django.db import transaction

    client = browser_for(acme, acme_admin)
    client.get("/")
    sid = transaction.savepoint()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    transaction.savepoint_rollback(sid)
    connection.set_tenant(acme)  # what the next request's routing does
    assert connection.search_path_set_schemas is None  # so its first statement sets it again
    assert _sets(client) == ['SET search_path = "acme","public"']
