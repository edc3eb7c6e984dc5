"""New organization schemas from the template's DDL, replayed, instead of django-tenants' clone_schema().

clone_schema() is a PL/pgSQL function that walks the catalogs (pg_class, pg_attribute, pg_depend,
pg_constraint, ...) with planned queries for every table, sequence and index of the template. Those
queries are only as fast as the catalogs' statistics are fresh: on a fresh database, or after a burst of
new schemas, a clone took 2.7-4.2 s instead of 0.6 s until autovacuum analyzed the catalogs
(docs/scaling.md, "Creating many organizations at once").

Here the template is read once per migration state and rendered to DDL (`render_template_ddl`), the
rendering is checked by replaying it into a scratch schema and comparing its catalog with the template's
(`schema_catalog`), and each provisioning replays it in one round trip (`replay`): CREATE TABLE ...,
the template's rows copied, its sequences set to the template's values, then constraints, indexes,
views, triggers and comments. No catalog walk happens at provisioning time, so the cost does not depend
on the number of schemas or on the catalogs' statistics.

The rendering is keyed by the template's fingerprint (its applied migrations), held in memory and in the
default cache, and re-rendered when a migration changes the template.
"""

import hashlib
import logging
import re
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

# Bump when the renderer changes what it produces: cached renderings of an older version are ignored.
RENDERER_VERSION = 1
CHECK_SCHEMA_SUFFIX = "_ddl_check"
CACHE_TIMEOUT = 7 * 24 * 3600


class UnsupportedTemplate(Exception):
    """The template holds an object kind the renderer does not reproduce: provisioning falls back to
    clone_schema()."""


@dataclass(frozen=True)
class TemplateDDL:
    fingerprint: str
    template: str
    sql: str  # schema-independent: run with search_path set to the new schema
    statements: int
    render_seconds: float


_memo: dict[tuple[str, str], TemplateDDL] = {}


def _qi(name: str) -> str:
    return connection.ops.quote_name(name)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# PostgreSQL prints `col IN ('a', 'b')` on a varchar column as `= ANY ((ARRAY['a'::character varying,
# ...])::text[])`, and reading that back pushes the cast into the elements (`ARRAY[('a'::character
# varying)::text, ...]`): equal in meaning, different in the catalog. Casting the array to its own element
# type first reads back as the original tree.
_ARRAY_CAST = re.compile(r"\(ARRAY\[((?:'(?:[^']|'')*'::([a-z ]+?)(?:, )?)+)\]\)::([a-z ]+?)\[\]")


def _reparseable(expression: str) -> str:
    return _ARRAY_CAST.sub(lambda m: f"(ARRAY[{m[1]}]::{m[2]}[])::{m[3]}[]", expression)


def template_fingerprint(template: str) -> str:
    """A hash of the template's applied migrations (one small query): changes whenever migrate_schemas
    applies a migration to the template."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '') "  # noqa: S608 (catalog names, quoted)
            f"FROM {_qi(template)}.django_migrations"
        )
        (applied,) = cursor.fetchone()
    return hashlib.sha256(f"v{RENDERER_VERSION}:{template}:{applied}".encode()).hexdigest()[:32]


class _SearchPath:
    """SET LOCAL search_path for the block, restored afterwards (a savepoint's release keeps SET LOCAL,
    and django-tenants would otherwise run the rest of the transaction against the wrong schema)."""

    def __init__(self, cursor, schema: str):
        self.cursor, self.schema = cursor, schema

    def __enter__(self):
        self.cursor.execute("SELECT current_setting('search_path')")
        (self.previous,) = self.cursor.fetchone()
        self.cursor.execute("SELECT set_config('search_path', %s, true)", [_qi(self.schema)])
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.cursor.execute("SELECT set_config('search_path', %s, true)", [self.previous])


def _check_supported(cursor, nsp: int) -> None:
    problems = []
    cursor.execute(
        "SELECT relname, relkind FROM pg_class WHERE relnamespace = %s AND (relkind IN ('p', 'm', 'f', 'c') "
        "OR relispartition OR relrowsecurity OR relhasrules AND relkind = 'r')",
        [nsp],
    )
    problems += [f"relation {name} (kind {kind})" for name, kind in cursor.fetchall()]
    cursor.execute(
        "SELECT typname FROM pg_type WHERE typnamespace = %s AND typtype NOT IN ('b', 'c') "
        "OR typnamespace = %s AND typtype = 'b' AND typelem = 0",
        [nsp, nsp],
    )
    problems += [f"type {name}" for (name,) in cursor.fetchall()]
    cursor.execute(
        "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relnamespace = %s",
        [nsp],
    )
    if cursor.fetchone()[0]:
        problems.append("table inheritance")
    cursor.execute("SELECT proname FROM pg_proc WHERE pronamespace = %s AND prokind NOT IN ('f', 'p')", [nsp])
    problems += [f"aggregate {name}" for (name,) in cursor.fetchall()]
    cursor.execute("SELECT count(*) FROM pg_statistic_ext WHERE stxnamespace = %s", [nsp])
    if cursor.fetchone()[0]:
        problems.append("extended statistics")
    cursor.execute(
        "SELECT count(*) FROM pg_description d WHERE d.classoid <> 'pg_class'::regclass AND d.objoid IN "
        "(SELECT oid FROM pg_constraint WHERE connamespace = %s UNION SELECT oid FROM pg_proc "
        "WHERE pronamespace = %s UNION SELECT oid FROM pg_trigger WHERE tgrelid IN "
        "(SELECT oid FROM pg_class WHERE relnamespace = %s))",
        [nsp, nsp, nsp],
    )
    if cursor.fetchone()[0]:
        problems.append("comments on constraints, functions or triggers")
    if problems:
        raise UnsupportedTemplate(", ".join(problems))


def _render(cursor, template: str) -> list[str]:
    """The statements that re-create `template` under whatever schema is first on the search_path.
    Must run with search_path = template, so that the catalog functions leave names unqualified."""
    cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [template])
    (nsp,) = cursor.fetchone()
    _check_supported(cursor, nsp)
    cursor.execute("SELECT quote_ident(%s)", [template])
    qualified = cursor.fetchone()[0] + "."  # as the catalog functions print it
    out: list[str] = ["SET LOCAL check_function_bodies = off"]

    # Functions first: column defaults, checks and triggers may call them.
    cursor.execute(
        "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = %s "
        "AND p.prokind IN ('f', 'p') ORDER BY p.oid",
        [nsp],
    )
    for _name, definition in cursor.fetchall():
        for head in ("FUNCTION ", "PROCEDURE "):
            definition = definition.replace(f"CREATE OR REPLACE {head}{qualified}", f"CREATE {head}", 1)
        out.append(definition.rstrip().rstrip(";"))

    # Sequences: identity ones are declared with their column, the others stand alone.
    cursor.execute(
        """SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                  s.seqcache, s.seqcycle, d.deptype, t.relname, a.attname
           FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
           LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
           LEFT JOIN pg_class t ON t.oid = d.refobjid
           LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
           WHERE c.relnamespace = %s ORDER BY c.relname""",
        [nsp],
    )
    identity: dict[tuple[str, str], str] = {}
    owned: list[str] = []
    sequences: list[str] = []
    for name, typ, start, inc, lo, hi, cache_, cycle, deptype, table, column in cursor.fetchall():
        options = (
            f"START WITH {start} INCREMENT BY {inc} MINVALUE {lo} MAXVALUE {hi} CACHE {cache_} "
            f"{'' if cycle else 'NO '}CYCLE"
        )
        sequences.append(name)
        if deptype == "i":
            identity[(table, column)] = f"SEQUENCE NAME {_qi(name)} {options}"
            continue
        out.append(f"CREATE SEQUENCE {_qi(name)} AS {typ} {options}")
        if deptype == "a":
            owned.append(f"ALTER SEQUENCE {_qi(name)} OWNED BY {_qi(table)}.{_qi(column)}")

    # Tables and their columns, in the template's column order.
    cursor.execute(
        """SELECT c.relname, c.relpersistence, c.reloptions, a.attname, format_type(a.atttypid, a.atttypmod),
                  a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
                  CASE WHEN a.attcollation <> ty.typcollation THEN a.attcollation::regcollation::text END
           FROM pg_class c
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           JOIN pg_type ty ON ty.oid = a.atttypid
           LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
           WHERE c.relnamespace = %s AND c.relkind = 'r' ORDER BY c.relname, a.attnum""",
        [nsp],
    )
    tables: dict[str, dict] = {}
    for (
        table,
        persistence,
        reloptions,
        col,
        typ,
        notnull,
        default,
        ident,
        generated,
        coll,
    ) in cursor.fetchall():
        spec = tables.setdefault(
            table, {"persistence": persistence, "options": reloptions, "columns": [], "insertable": []}
        )
        column = f"{_qi(col)} {typ}"
        if coll:
            column += f" COLLATE {coll}"
        if generated == "s":
            column += f" GENERATED ALWAYS AS ({default}) STORED"
        elif default is not None:
            column += f" DEFAULT {_reparseable(default)}"
        if ident:
            kind = "ALWAYS" if ident == "a" else "BY DEFAULT"
            column += f" GENERATED {kind} AS IDENTITY ({identity[(table, col)]})"
        if notnull:
            column += " NOT NULL"
        spec["columns"].append(column)
        if generated != "s":
            spec["insertable"].append(_qi(col))
    for table, spec in tables.items():
        unlogged = "UNLOGGED " if spec["persistence"] == "u" else ""
        options = f" WITH ({', '.join(spec['options'])})" if spec["options"] else ""
        out.append(f"CREATE {unlogged}TABLE {_qi(table)} ({', '.join(spec['columns'])}){options}")
    out += owned

    # The template's rows (django_migrations, content types, permissions, any seeded rows), read from the
    # template at provisioning time, and its sequences' positions.
    for table, spec in tables.items():
        cols = ", ".join(spec["insertable"])
        out.append(
            f"INSERT INTO {_qi(table)} ({cols}) OVERRIDING SYSTEM VALUE "  # noqa: S608 (catalog names, quoted)
            f"SELECT {cols} FROM {qualified}{_qi(table)}"
        )
    if sequences:
        # One statement for all of them: one round trip, one result.
        out.append(
            "SELECT "  # noqa: S608 (catalog names, quoted)
            + ", ".join(
                f"setval({_literal(_qi(s))}, (SELECT last_value FROM {qualified}{_qi(s)}), "  # noqa: S608 (catalog names, quoted)
                f"(SELECT is_called FROM {qualified}{_qi(s)}))"
                for s in sequences
            )
        )

    # Constraints: primary keys, unique, exclusion and check first, foreign keys once their targets exist.
    cursor.execute(
        """SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
           FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
           WHERE c.connamespace = %s AND c.conrelid <> 0 AND c.contype IN ('p', 'u', 'x', 'c', 'f')
           ORDER BY c.contype = 'f', t.relname, c.conname""",
        [nsp],
    )
    constraints = cursor.fetchall()
    for table, name, definition in constraints:
        definition = definition.replace(f"REFERENCES {qualified}", "REFERENCES ")
        out.append(f"ALTER TABLE {_qi(table)} ADD CONSTRAINT {_qi(name)} {_reparseable(definition)}")

    # Indexes that no constraint owns.
    cursor.execute(
        """SELECT quote_ident(t.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i
           JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
           WHERE ci.relnamespace = %s AND NOT EXISTS (
               SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
               AND c.contype IN ('p', 'u', 'x'))
           ORDER BY t.relname, ci.relname""",
        [nsp],
    )
    for table, definition in cursor.fetchall():
        target = f"{qualified}{table}"
        for on in (" ON ONLY ", " ON "):
            if f"{on}{target} " in definition:
                definition = definition.replace(f"{on}{target} ", f"{on}{table} ", 1)
                break
        else:
            raise UnsupportedTemplate(f"index definition not understood: {definition}")
        out.append(_reparseable(definition))

    cursor.execute(
        "SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = 'v' "
        "ORDER BY c.oid",
        [nsp],
    )
    for name, definition in cursor.fetchall():
        out.append(f"CREATE VIEW {_qi(name)} AS {definition.rstrip().rstrip(';')}")

    cursor.execute(
        """SELECT t.relname, pg_get_triggerdef(tg.oid) FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
           WHERE t.relnamespace = %s AND NOT tg.tgisinternal ORDER BY t.relname, tg.tgname""",
        [nsp],
    )
    for _table, definition in cursor.fetchall():
        definition = definition.replace(f" ON {qualified}", " ON ").replace(
            f"FUNCTION {qualified}", "FUNCTION "
        )
        out.append(definition)

    cursor.execute(
        """SELECT c.relname, c.relkind, a.attname, d.description FROM pg_description d
           JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
           LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
           WHERE c.relnamespace = %s ORDER BY c.relname, d.objsubid""",
        [nsp],
    )
    kinds = {"r": "TABLE", "v": "VIEW", "S": "SEQUENCE", "i": "INDEX"}
    for relname, relkind, column, description in cursor.fetchall():
        if column:
            out.append(f"COMMENT ON COLUMN {_qi(relname)}.{_qi(column)} IS {_literal(description)}")
        else:
            out.append(f"COMMENT ON {kinds[relkind]} {_qi(relname)} IS {_literal(description)}")
    return out


def _strip(text: str | None, schema: str) -> str | None:
    if text is None:
        return None
    return text.replace(f"{_qi(schema)}.", "").replace(f"{schema}.", "")


def schema_catalog(schema: str) -> dict[str, object]:
    """What a schema holds, with the schema's own name taken out: tables, columns (in order), constraints,
    indexes, sequences (options, owner and position), functions, views, triggers, comments and a digest of
    each table's rows. Two schemas that compare equal are interchangeable for the application and for
    later migrations (which alter objects by name)."""
    s = schema
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [s])
        row = cursor.fetchone()
        if row is None:
            return {}
        nsp = row[0]
        cursor.execute(
            "SELECT relname, relkind, relpersistence, reloptions FROM pg_class WHERE relnamespace = %s "
            "AND relkind NOT IN ('i', 't')",
            [nsp],
        )
        relations = {(n, k, p, tuple(o or ())) for n, k, p, o in cursor.fetchall()}
        cursor.execute(
            """SELECT c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname,
                      format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid),
                      a.attidentity, a.attgenerated, a.attcollation::regcollation::text
               FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
               LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
               WHERE c.relnamespace = %s AND c.relkind IN ('r', 'v')""",
            [nsp],
        )
        columns = {
            (t, n, a, ty, nn, _strip(d, s), i, g, co) for t, n, a, ty, nn, d, i, g, co in cursor.fetchall()
        }
        cursor.execute(
            """SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid), c.convalidated
               FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE c.connamespace = %s""",
            [nsp],
        )
        constraints = {(t, n, k, _strip(d, s), v) for t, n, k, d, v in cursor.fetchall()}
        cursor.execute(
            """SELECT t.relname, ci.relname, pg_get_indexdef(i.indexrelid), i.indisprimary, i.indisunique
               FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
               WHERE ci.relnamespace = %s""",
            [nsp],
        )
        indexes = {(t, n, _strip(d, s), p, u) for t, n, d, p, u in cursor.fetchall()}
        cursor.execute(
            """SELECT c.relname, format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, q.seqmax,
                      q.seqcache, q.seqcycle, d.deptype, t.relname, a.attname
               FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid
               LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = q.seqrelid
                    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
               LEFT JOIN pg_class t ON t.oid = d.refobjid
               LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
               WHERE c.relnamespace = %s""",
            [nsp],
        )
        sequences = {}
        for name, *options in cursor.fetchall():
            cursor.execute(f"SELECT last_value, is_called FROM {_qi(s)}.{_qi(name)}")  # noqa: S608 (catalog names, quoted)
            sequences[name] = (*options, *cursor.fetchone())
        cursor.execute(
            """SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)
               FROM pg_proc p WHERE p.pronamespace = %s AND p.prokind IN ('f', 'p')""",
            [nsp],
        )
        functions = {(n, a, _strip(d, s)) for n, a, d in cursor.fetchall()}
        cursor.execute(
            "SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = 'v'",
            [nsp],
        )
        views = {(n, _strip(d, s)) for n, d in cursor.fetchall()}
        cursor.execute(
            """SELECT t.relname, tg.tgname, pg_get_triggerdef(tg.oid) FROM pg_trigger tg
               JOIN pg_class t ON t.oid = tg.tgrelid WHERE t.relnamespace = %s AND NOT tg.tgisinternal""",
            [nsp],
        )
        triggers = {(t, n, _strip(d, s)) for t, n, d in cursor.fetchall()}
        cursor.execute(
            """SELECT c.relname, d.objsubid, d.description FROM pg_description d
               JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
               WHERE c.relnamespace = %s""",
            [nsp],
        )
        comments = set(cursor.fetchall())
        tables = sorted(n for n, k, _, _ in relations if k == "r")
        rows = {}
        if tables:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT {_literal(t)}, count(*), md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) "  # noqa: S608 (catalog names, quoted)
                    f"FROM {_qi(s)}.{_qi(t)} r"
                    for t in tables
                )
            )
            rows = {t: (n, digest) for t, n, digest in cursor.fetchall()}
    return {
        "relations": relations,
        "columns": columns,
        "constraints": constraints,
        "indexes": indexes,
        "sequences": sequences,
        "functions": functions,
        "views": views,
        "triggers": triggers,
        "comments": comments,
        "rows": rows,
    }


def catalog_differences(a: dict, b: dict) -> dict[str, tuple]:
    """Per part of schema_catalog(), what only `a` has and what only `b` has (empty when equal)."""
    out = {}
    for part in a.keys() | b.keys():
        x, y = a.get(part), b.get(part)
        if x == y:
            continue
        if isinstance(x, dict) and isinstance(y, dict):
            x, y = set(x.items()), set(y.items())
        x, y = set(x or ()), set(y or ())
        out[part] = (sorted(x - y, key=repr)[:5], sorted(y - x, key=repr)[:5])
    return out


def replay(ddl: TemplateDDL, schema: str) -> None:
    """Create `schema` from the rendered DDL: one round trip, no catalog walk. Runs in the caller's
    transaction, so a failure later in provisioning drops the schema with everything else."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {_qi(schema)}")
        with _SearchPath(cursor, schema):
            cursor.execute(ddl.sql)


def render_template_ddl(template: str, fingerprint: str | None = None) -> TemplateDDL:
    """Render the template's DDL and check it: replayed into a scratch schema (rolled back), it must give
    the template's catalog exactly, or UnsupportedTemplate is raised."""
    started = time.perf_counter()
    fingerprint = fingerprint or template_fingerprint(template)
    with transaction.atomic(), connection.cursor() as cursor, _SearchPath(cursor, template):
        statements = _render(cursor, template)
    ddl = TemplateDDL(
        fingerprint=fingerprint,
        template=template,
        sql=";\n".join(statements) + ";",
        statements=len(statements),
        render_seconds=0.0,
    )
    scratch = (
        f"{template}{CHECK_SCHEMA_SUFFIX}_{hashlib.sha256(str(time.time_ns()).encode()).hexdigest()[:6]}"
    )
    differences: dict = {}

    class _Discard(Exception):
        pass

    try:
        with transaction.atomic():
            replay(ddl, scratch)
            differences = catalog_differences(schema_catalog(template), schema_catalog(scratch))
            raise _Discard
    except _Discard:
        pass
    if differences:
        raise UnsupportedTemplate(f"the rendered DDL does not reproduce {template}: {differences}")
    seconds = round(time.perf_counter() - started, 4)
    logger.info("Rendered %s DDL (%s statements, %.3f s)", template, ddl.statements, seconds)
    return TemplateDDL(ddl.fingerprint, ddl.template, ddl.sql, ddl.statements, seconds)


def _cache_key(fingerprint: str) -> str:
    return f"tenants:template-ddl:{fingerprint}"


def template_ddl(template: str) -> TemplateDDL | None:
    """The current rendering of the template, rendered (and checked) on first use after each migration
    state change; None when the template cannot be rendered (provisioning then uses clone_schema())."""
    fingerprint = template_fingerprint(template)
    key = (connection.settings_dict["NAME"], fingerprint)
    if key in _memo:
        return _memo[key]
    stored = cache.get(_cache_key(fingerprint))
    if isinstance(stored, TemplateDDL) and stored.template == template:
        _memo[key] = stored
        return stored
    try:
        ddl = render_template_ddl(template, fingerprint)
    except UnsupportedTemplate as exc:
        logger.warning("Provisioning falls back to clone_schema(): %s", exc)
        _memo[key] = None
        return None
    _memo[key] = ddl
    cache.set(_cache_key(fingerprint), ddl, CACHE_TIMEOUT)
    return ddl


def forget_renderings() -> None:
    """Drop the in-process renderings (tests; the cache entries expire on their own)."""
    _memo.clear()


# --- spare schemas ------------------------------------------------------------------------------------------
# Even replayed, a schema costs one btree build per index and toast table (about 230 here), and PostgreSQL
# (up to 16) fsyncs each new btree: about 0.4 s on this machine's disk, whatever the method. So that cost is
# paid ahead of time: spare schemas, replayed from the checked rendering and named after its fingerprint,
# wait in the database, and provisioning renames one (ALTER SCHEMA ... RENAME: one catalog row) inside its
# transaction. A rollback gives the spare back. A spare of an older migration state is never used: its name
# carries the fingerprint, and the refill drops it.


def spare_prefix(fingerprint: str, template: str) -> str:
    return f"{template}_spare_{fingerprint[:10]}_"


def spare_schemas(template: str, fingerprint: str | None = None) -> list[str]:
    """Spare schemas of the template, all of them, or those of one migration state."""
    pattern = spare_prefix(fingerprint, template) if fingerprint else f"{template}_spare_"
    like = pattern.replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname", [like])
        return [name for (name,) in cursor.fetchall()]


def claim_spare(ddl: TemplateDDL, schema: str) -> bool:
    """Rename a spare schema of the current migration state to `schema`, in the caller's transaction.
    Concurrent provisionings never get the same spare (an advisory lock per spare, then a fresh look).
    False when none is left."""
    prefix = spare_prefix(ddl.fingerprint, ddl.template)
    like = prefix.replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname LIMIT 8", [like]
        )
        for (name,) in cursor.fetchall():
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [name])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
            if cursor.fetchone() is None:  # taken by a provisioning that has committed since
                continue
            cursor.execute(f"ALTER SCHEMA {_qi(name)} RENAME TO {_qi(schema)}")
            return True
    return False


def spare_schemas_refill(template: str, *, target: int, budget_seconds: float | None = None) -> dict:
    """Top the spares of the current migration state up to `target`, one transaction each, and drop the
    spares of older states. Returns what was done."""
    import secrets

    started = time.perf_counter()
    ddl = template_ddl(template)
    if ddl is None:
        return {"created": 0, "dropped": 0, "spares": 0}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext('tenants.spare_schemas_refill'))")
        if not cursor.fetchone()[0]:  # another refill is at it
            return {"created": 0, "dropped": 0, "spares": len(spare_schemas(template, ddl.fingerprint))}
    try:
        current = spare_schemas(template, ddl.fingerprint)
        stale = [name for name in spare_schemas(template) if name not in current]
        for name in stale:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {_qi(name)} CASCADE")
        created = 0
        while len(current) + created < target:
            if budget_seconds is not None and time.perf_counter() - started > budget_seconds:
                break
            with transaction.atomic():
                replay(ddl, spare_prefix(ddl.fingerprint, template) + secrets.token_hex(4))
            created += 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext('tenants.spare_schemas_refill'))")
    return {"created": created, "dropped": len(stale), "spares": len(current) + created}
