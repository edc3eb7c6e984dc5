"""Prepared statements (config/settings/base.py, DB_PREPARED_STATEMENTS): the queries a connection runs
again and again are prepared on its session, and one prepared in one organization's schema still reads
the rows of whichever organization the connection serves next (PostgreSQL analyses it again when the
search_path differs from the one it was prepared under)."""

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import User


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [row[0] for row in cursor.fetchall()]


def _emails() -> list[str]:
    return list(User.objects.order_by("email").values_list("email", flat=True))


def test_the_connection_binds_on_the_server_and_prepares_repeated_queries(db):
    options = settings.DATABASES["default"].get("OPTIONS", {})
    assert options.get("server_side_binding") is True
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == options["prepare_threshold"]
    assert connection.connection.prepare_threshold is not None
    # psycopg's default of 100 is fewer than the statements the API and pages run (about 310).
    assert connection.connection.prepared_max == options["prepared_max"] >= 310


def test_a_statement_prepared_for_one_organization_reads_the_next_ones_rows(
    acme, acme_admin, globex, globex_admin
):
    connection.ensure_connection()
    with schema_context(acme.schema_name):
        for _ in range(connection.connection.prepare_threshold + 1):
            acme_emails = _emails()
        assert any('"accounts_user"' in sql and "ORDER BY" in sql for sql in _prepared_statements())
    with schema_context(globex.schema_name):
        globex_emails = _emails()
    with schema_context(acme.schema_name):
        again = _emails()

    assert acme_admin.email in acme_emails
    assert acme_admin.email not in globex_emails
    assert globex_admin.email in globex_emails
    assert globex_admin.email not in acme_emails
    assert again == acme_emails


def test_requests_reuse_prepared_statements_and_stay_in_their_organization(
    acme, acme_admin, globex, globex_admin
):
    from tests.conftest import client_for, jwt_for

    acme_api = client_for("acme", token=jwt_for(acme, acme_admin))
    globex_api = client_for("globex", token=jwt_for(globex, globex_admin))
    for _ in range(6):
        mine = acme_api.get("/api/v1/users?per_page=100").json()["data"]
    assert any('"accounts_user"' in sql for sql in _prepared_statements())
    theirs = globex_api.get("/api/v1/users?per_page=100").json()["data"]
    ours_again = acme_api.get("/api/v1/users?per_page=100").json()["data"]

    assert {u["email"] for u in mine} == {u["email"] for u in ours_again}
    assert acme_admin.email in {u["email"] for u in mine}
    assert acme_admin.email not in {u["email"] for u in theirs}
    assert globex_admin.email in {u["email"] for u in theirs}
