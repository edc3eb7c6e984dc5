"""`migrate_schemas` at fleet scale: up-to-date schemas are skipped after one query, pending ones are
migrated by worker processes, each schema in its own transaction, and one failing organization neither
stops nor corrupts the others.

Worker processes have database connections of their own, so the schemas they migrate must be committed:
the `fleet` fixture clones three schemas from the template on a separate autocommit connection (and drops
them afterwards), and the throwaway migration is taken out of every schema at the end. The test's own
transaction only adds Organization rows (rolled back) and reads; it never locks a table a worker creates.
"""

import os
import sys
import textwrap
from io import StringIO

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from django_tenants.signals import schema_pre_migration

from apps.events import migrations as events_migrations
from tenants.management.commands import migrate_schemas as fleet_command
from tenants.models import Organization

FLEET = ["fleet_a", "fleet_b", "fleet_x"]
APP = "events"
NAME = "9999_fleet_throwaway"
TABLE = "fleet_throwaway_note"
# Schemas in which the throwaway migration fails; the workers inherit it (forked).
FAIL_IN: set[str] = set()


def _autocommit():
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432, password=db["PASSWORD"],
        autocommit=True,
    )  # fmt: skip


@pytest.fixture
def fleet_schemas():
    """Three committed organization schemas cloned from the migrated template, dropped at the end. It takes
    no database fixture, so it is set up before the test's transaction and torn down after its rollback
    (dropping a schema the test's transaction has touched would wait for it forever)."""
    with _autocommit() as conn:
        for schema in FLEET:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute("SELECT clone_schema(%s, %s, 'DATA')", [settings.TENANT_BASE_SCHEMA, schema])
    yield FLEET
    with _autocommit() as conn:
        for schema in FLEET:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def fleet(fleet_schemas, db):
    """The three schemas with their Organization rows (inside the test's transaction)."""
    for schema in fleet_schemas:
        Organization.objects.create(
            name=schema,
            slug=schema.replace("_", "-"),
            schema_name=schema,
            admin_email=f"a@{schema}.example.com",
        )
    return fleet_schemas


def fail_in_some_schemas(apps, schema_editor):
    if schema_editor.connection.schema_name in FAIL_IN:
        raise RuntimeError(f"refused in {schema_editor.connection.schema_name}")


@pytest.fixture
def throwaway_migration(tmp_path, settings):
    """A migration added to the `events` app at run time only: MIGRATION_MODULES points the app at a
    temporary package whose __path__ is the app's own migrations directory plus its own, holding
    9999_fleet_throwaway.py (a table, then a step that fails in the schemas of FAIL_IN). Afterwards it is
    removed from every schema that recorded it. Tests list it before `fleet`, so that, like fleet_schemas,
    it is torn down after the test's rollback."""
    (leaf,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes(APP)
    package = tmp_path / "fleet_events_migrations"
    package.mkdir()
    (package / "__init__.py").write_text(
        f"__path__ = [*__path__, {os.path.dirname(events_migrations.__file__)!r}]\n"
    )
    (package / f"{NAME}.py").write_text(
        textwrap.dedent(f"""\
            from django.db import migrations

            from tests.tenants.test_migrate_fleet import fail_in_some_schemas


            class Migration(migrations.Migration):
                dependencies = [{leaf!r}]
                operations = [
                    migrations.RunSQL("CREATE TABLE {TABLE} (id integer PRIMARY KEY)", "DROP TABLE {TABLE}"),
                    migrations.RunPython(fail_in_some_schemas, migrations.RunPython.noop),
                ]
        """)
    )
    sys.path.insert(0, str(tmp_path))
    settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, APP: "fleet_events_migrations"}
    assert (APP, NAME) in MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    FAIL_IN.clear()
    yield (APP, NAME)
    FAIL_IN.clear()
    sys.path.remove(str(tmp_path))
    for module in [m for m in sys.modules if m.startswith("fleet_events_migrations")]:
        del sys.modules[module]
    with _autocommit() as conn:
        schemas = [
            row[0]
            for row in conn.execute(
                "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
                "WHERE c.relname = 'django_migrations'"
            )
        ]
        for schema in schemas:
            delete = f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s'  # noqa: S608
            conn.execute(delete, [APP, NAME])
            conn.execute(f'DROP TABLE IF EXISTS "{schema}".{TABLE}')


def recorded(schema: str) -> bool:
    with connection.cursor() as cursor:
        query = f'SELECT 1 FROM "{schema}".django_migrations WHERE app = %s AND name = %s'  # noqa: S608
        cursor.execute(query, [APP, NAME])
        return cursor.fetchone() is not None


def has_table(schema: str) -> bool:
    """Read from the catalog (to_regclass takes no lock on the table a worker created)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".{TABLE}'])
        return cursor.fetchone()[0] is not None


def migrated(schema: str) -> tuple[bool, bool]:
    """(the throwaway migration is recorded, its table exists)"""
    return recorded(schema), has_table(schema)


@pytest.fixture
def migrations_started():
    schemas: list[str] = []

    def receiver(sender, schema_name, **kwargs):
        schemas.append(schema_name)

    schema_pre_migration.connect(receiver)
    yield schemas
    schema_pre_migration.disconnect(receiver)


def test_up_to_date_schemas_are_found_with_one_catalog_query_and_one_check(fleet):
    schemas = [*fleet, settings.TENANT_BASE_SCHEMA, "acme", "globex"]

    with CaptureQueriesContext(connection) as queries:
        pending = fleet_command.pending_schemas(schemas)

    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
    assert pending == []
    assert len(statements) == 2  # which schemas have a django_migrations table; what each has recorded
    assert statements[1].count("UNION ALL") == len(schemas) - 1


def test_a_schema_missing_one_recorded_migration_is_pending(fleet):
    with connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM "fleet_b".django_migrations WHERE id = (SELECT max(id) FROM "fleet_b".django_migrations)'
        )

    assert fleet_command.pending_schemas([*fleet, "no_such_schema"]) == ["fleet_b", "no_such_schema"]


def test_with_nothing_to_apply_no_schema_is_migrated(fleet, migrations_started):
    out = StringIO()

    call_command("migrate_schemas", tenant=True, interactive=False, stdout=out)

    assert migrations_started == []
    organizations = Organization.objects.exclude(schema_name="public").count()
    assert f"Checked {organizations + 1} schemas" in out.getvalue()
    assert f"{organizations + 1} up to date, 0 migrated, 0 failed" in out.getvalue()


def test_a_new_migration_is_applied_to_every_schema_by_worker_processes(throwaway_migration, fleet):
    results = list(
        fleet_command.migrate_in_parallel(fleet, {"verbosity": 1, "database": "default"}, processes=2)
    )

    assert sorted(r.schema for r in results) == fleet
    assert {r.status for r in results} == {"applied"}, [r.error for r in results]
    assert all(r.applied == [f"{APP}.{NAME}"] for r in results)
    assert os.getpid() not in {r.worker for r in results}
    assert [migrated(s) for s in fleet] == [(True, True)] * 3


def test_the_command_reports_every_schema_it_migrated(throwaway_migration, fleet):
    out = StringIO()

    call_command("migrate_schemas", tenant=True, interactive=False, processes=2, stdout=out)

    schemas = [*Organization.objects.exclude(schema_name="public").values_list("schema_name", flat=True)]
    schemas.append(settings.TENANT_BASE_SCHEMA)
    for schema in schemas:
        assert f"  {schema}: applied (" in out.getvalue()
        assert f"{APP}.{NAME}" in out.getvalue()
        assert recorded(schema)
    assert f"{len(schemas)} schemas: 0 up to date, {len(schemas)} migrated, 0 failed" in out.getvalue()


def test_a_migration_failing_in_one_organization_leaves_it_unchanged_and_the_others_migrated(
    throwaway_migration, fleet
):
    FAIL_IN.add("fleet_x")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="fleet_x"):
        call_command("migrate_schemas", tenant=True, interactive=False, processes=2, stdout=out, stderr=err)

    assert "fleet_x: FAILED" in err.getvalue()
    assert "RuntimeError: refused in fleet_x" in err.getvalue()
    assert migrated("fleet_a") == (True, True)
    assert migrated("fleet_b") == (True, True)
    assert recorded(settings.TENANT_BASE_SCHEMA)
    # Nothing of the failed migration is left in fleet_x: no row, and the table it created first is gone.
    assert migrated("fleet_x") == (False, False)

    FAIL_IN.clear()
    out = StringIO()
    call_command("migrate_schemas", tenant=True, interactive=False, processes=2, stdout=out)

    assert migrated("fleet_x") == (True, True)
    assert "  fleet_x: applied (" in out.getvalue()
    assert ", 1 migrated, 0 failed" in out.getvalue()


def test_migrating_a_schema_does_not_list_the_catalog_to_find_its_migrations_table(
    throwaway_migration, fleet
):
    """Django's recorder lists every table of the schema (a pg_class scan, 0.2-0.3 s once thousands of
    schemas fill the catalog) each time it checks for django_migrations; the command asks for that one."""
    with CaptureQueriesContext(connection) as queries:
        result = fleet_command.migrate_schema("fleet_a", {"verbosity": 0, "database": "default"})

    assert (result.status, result.applied) == ("applied", [f"{APP}.{NAME}"])
    assert [q["sql"] for q in queries.captured_queries if "pg_table_is_visible" in q["sql"]] == []
    assert sum("to_regclass" in q["sql"] for q in queries.captured_queries) >= 1
