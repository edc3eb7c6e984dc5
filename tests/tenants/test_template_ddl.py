"""New schemas from the template's rendered DDL (tenants/ddl.py): identical to the template and to a migrated
schema, rendered again when migrations change the template, and no catalog walk per provisioning."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, schema_exists

from tenants import ddl, services
from tenants.models import Organization
from tenants.template import clone_from_template, template_schema

TEMPLATE = "tenant_template"


def provision(plans, slug="initech", **overrides):
    values = {
        "name": f"{slug.title()} University",
        "slug": slug,
        "plan": plans["starter"],
        "admin_email": f"boss@{slug}.example.com",
    }
    values.update(overrides)
    return services.organization_provision(**values)


def _sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def _schema_rows(schema: str, table: str) -> list[tuple]:
    return _sql(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1')  # noqa: S608 (fixed names)


@pytest.fixture(autouse=True)
def fresh_renderings():
    ddl.forget_renderings()
    cache.clear()
    yield
    ddl.forget_renderings()
    cache.clear()


def test_the_template_is_the_schema_being_compared(db):
    assert template_schema() == TEMPLATE
    catalog = ddl.schema_catalog(TEMPLATE)
    # The comparison covers every kind of object, and the template has enough of each to mean something.
    assert len({r for r in catalog["relations"] if r[1] == "r"}) > 20
    assert len(catalog["columns"]) > 100
    assert {c[2] for c in catalog["constraints"]} >= {"p", "u", "f", "c"}
    assert len(catalog["indexes"]) > 50
    assert len(catalog["sequences"]) > 20
    assert catalog["rows"]["django_migrations"][0] > 10


STRUCTURE = ("relations", "columns", "constraints", "indexes", "functions", "views", "triggers", "comments")


def _structure(schema: str) -> dict:
    catalog = ddl.schema_catalog(schema)
    return {part: catalog[part] for part in STRUCTURE}


def test_the_schema_step_copies_the_templates_whole_catalog(db):
    """Tables, columns, constraints, indexes, sequences (options, owner, position), functions, views,
    triggers, comments, and the template's rows (django_migrations, content types, permissions)."""
    clone_from_template("copy_of_template")  # what provisioning does before adding its own rows

    assert ddl.catalog_differences(ddl.schema_catalog("copy_of_template"), ddl.schema_catalog(TEMPLATE)) == {}


def test_a_provisioned_schema_has_the_templates_structure_and_rows(plans):
    provision(plans)

    assert _structure("initech") == _structure(TEMPLATE)
    assert _schema_rows("initech", "django_migrations") == _schema_rows(TEMPLATE, "django_migrations")
    assert _schema_rows("initech", "django_content_type") == _schema_rows(TEMPLATE, "django_content_type")


def test_a_provisioned_schema_matches_a_migrated_one(plans):
    provision(plans)
    provision(plans, slug="plain-org", use_template=False)

    replayed, migrated = ddl.schema_catalog("initech"), ddl.schema_catalog("plain_org")
    structure = (
        "relations",
        "columns",
        "constraints",
        "indexes",
        "functions",
        "views",
        "triggers",
        "comments",
    )
    assert {part: replayed[part] for part in structure} == {part: migrated[part] for part in structure}
    # Same sequences, options and owners; positions differ only by the rows provisioning itself added.
    assert {name: spec[:-2] for name, spec in replayed["sequences"].items()} == {
        name: spec[:-2] for name, spec in migrated["sequences"].items()
    }
    applied = "SELECT app, name FROM {}.django_migrations ORDER BY app, name"
    assert _sql(applied.format("initech")) == _sql(applied.format("plain_org"))


def test_sequences_continue_from_the_templates_values(plans):
    template_position = _sql("SELECT last_value FROM tenant_template.django_migrations_id_seq")[0][0]
    provision(plans)

    next_id = _sql("SELECT nextval('initech.django_migrations_id_seq')")[0][0]
    assert next_id == template_position + 1


def test_the_rendering_is_checked_against_the_template_and_then_reused(plans):
    with CaptureQueriesContext(connection) as first:
        provision(plans)
    with CaptureQueriesContext(connection) as second:
        provision(plans, slug="hooli")

    walks = lambda queries: [q["sql"] for q in queries if "pg_attribute" in q["sql"]]  # noqa: E731
    assert walks(first.captured_queries)  # rendered, and checked by a scratch replay, once
    assert not walks(second.captured_queries)  # then replayed without reading the catalog
    assert len(second.captured_queries) < len(first.captured_queries)
    assert not [n for (n,) in _sql("SELECT nspname FROM pg_namespace") if ddl.CHECK_SCHEMA_SUFFIX in n]


def test_a_migration_changing_the_template_renders_it_again(plans):
    """Simulated migration: a column and an index added to the template, and its django_migrations row."""
    provision(plans)
    before = ddl.template_fingerprint(TEMPLATE)
    _sql(f"ALTER TABLE {TEMPLATE}.courses_tag ADD COLUMN colour varchar(7) NOT NULL DEFAULT '#000000'")
    _sql(f"CREATE INDEX courses_tag_colour_idx ON {TEMPLATE}.courses_tag (colour)")
    _sql(
        "INSERT INTO tenant_template.django_migrations (app, name, applied) "
        "VALUES ('courses', '9999_tag_colour', now())"
    )

    assert ddl.template_fingerprint(TEMPLATE) != before
    provision(plans, slug="hooli")

    assert _structure("hooli") == _structure(TEMPLATE)
    assert ("courses_tag", "courses_tag_colour_idx") in {
        i[:2] for i in ddl.schema_catalog("hooli")["indexes"]
    }
    assert "colour" not in {c[2] for c in ddl.schema_catalog("initech")["columns"] if c[0] == "courses_tag"}
    with schema_context("hooli"):
        assert _sql("SELECT count(*) FROM django_migrations WHERE name = '9999_tag_colour'") == [(1,)]


def test_an_unreproducible_template_falls_back_to_clone_schema(plans, monkeypatch):
    def unsupported(cursor, nsp):
        raise ddl.UnsupportedTemplate("something new")

    monkeypatch.setattr(ddl, "_check_supported", unsupported)
    with CaptureQueriesContext(connection) as queries:
        provision(plans)

    assert sum("SELECT clone_schema(" in q["sql"] for q in queries.captured_queries) == 1
    assert schema_exists("initech")


# --- spare schemas ------------------------------------------------------------------------------------------


def _spares() -> list[str]:
    return ddl.spare_schemas(TEMPLATE)


def test_a_spare_schema_is_renamed_into_the_new_organization(plans):
    done = ddl.spare_schemas_refill(TEMPLATE, target=2)
    assert (done["created"], len(_spares())) == (2, 2)
    spare = _spares()[0]

    with CaptureQueriesContext(connection) as queries:
        result = provision(plans)

    assert result.organization.schema_name == "initech"
    assert not schema_exists(spare)
    assert len(_spares()) == 1
    assert any(f'ALTER SCHEMA "{spare}" RENAME TO "initech"' in q["sql"] for q in queries.captured_queries)
    assert not [q for q in queries.captured_queries if "CREATE TABLE" in q["sql"]]
    assert _structure("initech") == _structure(TEMPLATE)
    with schema_context("initech"):
        assert _sql("SELECT email FROM accounts_user") == [("boss@initech.example.com",)]


def test_a_failed_provisioning_gives_its_spare_back(plans, monkeypatch):
    ddl.spare_schemas_refill(TEMPLATE, target=1)
    spare = _spares()[0]
    monkeypatch.setattr(services, "user_invite", lambda **kw: (_ for _ in ()).throw(RuntimeError("boom")))

    with pytest.raises(RuntimeError):
        provision(plans)

    assert not schema_exists("initech")
    assert not Organization.objects.filter(slug="initech").exists()
    assert _spares() == [spare]


def test_spares_of_an_older_migration_state_are_never_used_and_dropped_on_refill(plans):
    ddl.spare_schemas_refill(TEMPLATE, target=1)
    (old,) = _spares()
    _sql(
        "INSERT INTO tenant_template.django_migrations (app, name, applied) VALUES ('courses', '9999_noop', now())"
    )

    provision(plans)

    assert schema_exists(old)  # not taken: the template moved on
    assert _sql("SELECT count(*) FROM initech.django_migrations WHERE name = '9999_noop'") == [(1,)]
    done = ddl.spare_schemas_refill(TEMPLATE, target=1)
    assert (done["dropped"], done["created"]) == (1, 1)
    assert not schema_exists(old)
    (new,) = _spares()
    assert new.startswith(ddl.spare_prefix(ddl.template_fingerprint(TEMPLATE), TEMPLATE))
