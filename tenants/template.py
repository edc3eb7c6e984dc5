"""The template schema new organizations are cloned from, and the public tenant row.

`migrate_schemas` (our override) migrates the template whenever it migrates tenants, so a clone is always
at the latest migration. New schemas replay the template's rendered DDL (tenants/ddl.py).
"""

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_exists

from .models import Domain, Organization


def template_schema() -> str:
    return settings.TENANT_BASE_SCHEMA


def ensure_template_schema() -> bool:
    """Create the template schema if missing. Returns True when it was created."""
    name = template_schema()
    if schema_exists(name):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{name}"')
    return True


def install_clone_function() -> None:
    """(Re)create django-tenants' clone_schema() SQL function. Done at migrate time, not per clone:
    replacing a 4,000-line PL/pgSQL function inside every provisioning made each clone on the same
    database session slower than the last and serialized concurrent provisionings on the function's lock."""
    from django_tenants.clone import CloneSchema

    CloneSchema()._create_clone_schema_function()


def clone_from_template(schema_name: str) -> None:
    """Create `schema_name` as a copy of the template schema, structure and data, with the template's
    names for everything (tenants/ddl.py): a spare schema of the current migration state renamed if one is
    ready, else the template's DDL (rendered and checked once per migration state) replayed in one round
    trip. Falls back to clone_schema() if the template holds something the renderer does not reproduce."""
    from . import ddl

    rendering = ddl.template_ddl(template_schema())
    if rendering is None:
        clone_with_function(schema_name)
    elif not ddl.claim_spare(rendering, schema_name):
        ddl.replay(rendering, schema_name)


def spare_schemas_target() -> int:
    """How many spare schemas to keep ready (settings.TENANT_SPARE_SCHEMAS; 0 turns them off)."""
    return int(getattr(settings, "TENANT_SPARE_SCHEMAS", 0))


def refill_spare_schemas(*, budget_seconds: float | None = None) -> dict:
    from . import ddl

    return ddl.spare_schemas_refill(
        template_schema(), target=spare_schemas_target(), budget_seconds=budget_seconds
    )


def clone_with_function(schema_name: str) -> None:
    """The former path: django-tenants' clone_schema() SQL function, then the template's index names.
    Its catalog walk slows down with stale catalog statistics (kept as the fallback and for the
    benchmark's comparison)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_proc WHERE proname = 'clone_schema' AND pronamespace = 'public'::regnamespace"
        )
        if cursor.fetchone() is None:
            install_clone_function()
        cursor.execute("SELECT clone_schema(%s, %s, %s)", [template_schema(), schema_name, "DATA"])
    align_index_names(template_schema(), schema_name)


def ensure_public_tenant() -> Organization:
    """The public schema is itself a tenant row (django-tenants routes BASE_DOMAIN through it)."""
    public = settings.PUBLIC_SCHEMA_NAME
    organization, _ = Organization.objects.get_or_create(
        schema_name=public,
        defaults={
            "name": "LearnStack platform",
            "slug": public,
            "status": Organization.Status.ACTIVE,
            "admin_email": "platform@localhost",
        },
    )
    domain = Domain.objects.filter(tenant=organization, is_primary=True).first()
    if domain is None:
        Domain.objects.create(tenant=organization, domain=settings.BASE_HOST, is_primary=True)
    elif domain.domain != settings.BASE_HOST:
        domain.domain = settings.BASE_HOST
        domain.save()
    return organization


def _normalized_indexes(cursor, schema: str) -> list[tuple[str, str, str]]:
    """(table, definition without name and schema, index name) for every index in `schema`."""
    cursor.execute(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY tablename, indexname",
        [schema],
    )
    rows = []
    for table, name, definition in cursor.fetchall():
        head, _, tail = definition.partition(" ON ")
        kind = head.rsplit(" ", 1)[0]  # "CREATE [UNIQUE] INDEX"
        tail = tail.replace(f'"{schema}".', "").replace(f"{schema}.", "", 1)
        rows.append((table, f"{kind} ON {tail}", name))
    return rows


def align_index_names(source: str, target: str) -> int:
    """Give the clone's indexes (and the unique constraints they back) the template's names.

    django-tenants' clone_schema recreates tables with CREATE TABLE ... LIKE, which names indexes and
    unique constraints by PostgreSQL's defaults rather than by the names Django's migrations gave them.
    A later migration that removes or alters such a constraint or index by name would then fail on
    every cloned schema. Returns the number of renames.
    """
    renames = 0
    with connection.cursor() as cursor:
        wanted: dict[tuple[str, str], list[str]] = {}
        for table, definition, name in _normalized_indexes(cursor, source):
            wanted.setdefault((table, definition), []).append(name)
        existing = {name for _, _, name in _normalized_indexes(cursor, target)}
        for table, definition, name in _normalized_indexes(cursor, target):
            names = wanted.get((table, definition))
            if not names:
                continue
            new_name = names.pop(0)
            if new_name == name or new_name in existing:
                continue
            cursor.execute(f'ALTER INDEX "{target}"."{name}" RENAME TO "{new_name}"')
            existing.discard(name)
            existing.add(new_name)
            renames += 1
    return renames
