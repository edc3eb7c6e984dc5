"""`migrate_schemas` for a fleet of organizations: skip what is done, migrate the rest in parallel.

Same options as django-tenants' command. Without `--executor` (the default here):

1. the public schema is migrated first, alone, by django-tenants' standard executor (as before);
2. the tenant schemas (every organization, plus the `tenant_template` schema new organizations are cloned
   from) are checked against the migration graph known in-process in ONE query over their
   `django_migrations` tables (a UNION ALL generated from the schema list, `CHECK_BATCH` schemas per
   query): a schema that has recorded every migration of the graph is up to date and is not touched;
3. the others are migrated by `--processes` worker processes (default `TENANT_MULTIPROCESSING_MAX_PROCESSES`),
   each schema in one transaction of its own (PostgreSQL DDL is transactional), so a failing schema is left
   exactly as it was while the others complete. Every schema is reported (applied, up to date with `-v 2`,
   failed with the error); the command exits non-zero when one failed, and running it again finishes it.

Options that change what "migrate" means (`app_label`/`migration_name`, `--fake`, `--fake-initial`,
`--prune`, `--plan`) or an explicit `--executor=standard|multiprocessing|subprocess` run django-tenants'
own command unchanged (plus the template), as before.
"""

import contextlib
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from io import StringIO

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.signals import schema_migrated, schema_pre_migration
from django_tenants.utils import (
    get_public_schema_name,
    get_tenant_base_migrate_command_class,
    get_tenant_model,
    schema_exists,
)

from tenants.template import (
    ensure_public_tenant,
    ensure_template_schema,
    install_clone_function,
    template_schema,
)

# Schemas per checking query. Each schema's django_migrations table is locked (ACCESS SHARE) until the end of
# the checking transaction, and PostgreSQL's shared lock table holds max_locks_per_transaction (64) x
# max_connections (100) entries by default: 1,000 tables stay well within it.
CHECK_BATCH = 1000

# Options under which the fleet path would not do what django-tenants' command does.
_PASSTHROUGH_OPTIONS = ("app_label", "migration_name", "fake", "fake_initial", "prune", "plan")


@dataclass
class SchemaResult:
    schema: str
    status: str  # "applied" | "up to date" | "failed"
    applied: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    output: str = ""
    worker: int = field(default_factory=os.getpid)  # the process that migrated it


@dataclass(frozen=True)
class Graph:
    """What the migration files on disk say, read once per command run."""

    expected: frozenset  # every (app, name) node, squashed migrations in place of those they replace
    non_atomic: frozenset  # the nodes with `atomic = False`

    @classmethod
    def load(cls) -> "Graph":
        nodes = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
        return cls(
            frozenset(nodes), frozenset(key for key, m in nodes.items() if not getattr(m, "atomic", True))
        )


def expected_migrations() -> frozenset:
    """A schema migrated to the latest state has recorded each of these (Django records a squash as soon
    as all the migrations it replaces are applied)."""
    return Graph.load().expected


def pending_schemas(
    schemas: list[str], *, database: str = "default", graph: Graph | None = None
) -> list[str]:
    """The schemas among `schemas` that miss a migration of the graph, in their given order.

    One catalog query finds the schemas that have a django_migrations table at all (one without is pending),
    then one query per CHECK_BATCH schemas counts, in each, the recorded migrations that belong to the graph.
    """
    if not schemas:
        return []
    expected = sorted((graph or Graph.load()).expected)
    apps_, names = [a for a, _ in expected], [n for _, n in expected]
    connection = connections[database]
    connection.set_schema_to_public()
    complete: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p') AND n.nspname = ANY(%s)",
            [list(schemas)],
        )
        with_table = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(with_table), CHECK_BATCH):
            batch = with_table[start : start + CHECK_BATCH]
            # Schema names come from pg_namespace and are quoted; every value is a parameter.
            branch = (
                "SELECT %s::text AS schema_name, count(DISTINCT (m.app, m.name)) AS recorded "
                "FROM {}.django_migrations m JOIN expected e ON e.app = m.app AND e.name = m.name"
            )
            head = "WITH expected(app, name) AS MATERIALIZED (SELECT * FROM unnest(%s::text[], %s::text[])) "
            sql = head + " UNION ALL ".join(branch.format(connection.ops.quote_name(s)) for s in batch)
            cursor.execute(sql, [apps_, names, *batch])
            complete.update(schema for schema, recorded in cursor.fetchall() if recorded == len(expected))
    return [schema for schema in schemas if schema not in complete]


@contextlib.contextmanager
def _recorder_checks_one_relation():
    """Django's MigrationRecorder.has_table() lists every table of the schema through the catalog (django-
    tenants' introspection narrows search_path to the schema, then runs Django's pg_class scan filtered by
    visibility), several times per migrated schema. With thousands of schemas pg_class holds tens of
    thousands of rows and each listing took 0.2-0.3 s: most of a schema's migration time (measured, 1,000
    organizations). Asking for the one relation, in the connection's schema, answers the same."""
    original = MigrationRecorder.has_table

    def has_table(recorder):
        if recorder._has_table:
            return True
        conn = recorder.connection
        name = f"{conn.ops.quote_name(conn.schema_name)}.{conn.ops.quote_name(recorder.Migration._meta.db_table)}"
        with conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
            recorder._has_table = bool(cursor.fetchone()[0])
        return recorder._has_table

    MigrationRecorder.has_table = has_table
    try:
        yield
    finally:
        MigrationRecorder.has_table = original


def migrate_schema(
    schema: str, options: dict, *, database: str = "default", graph: Graph | None = None
) -> SchemaResult:
    """Migrate one schema to the latest state in one transaction (or migration by migration when a pending
    migration cannot run in a transaction: `atomic = False`). Never raises: a failure is the result."""
    connection = connections[database]
    started = time.perf_counter()
    out = StringIO()
    graph = graph or Graph.load()
    try:
        with _recorder_checks_one_relation():
            return _migrate_schema(schema, options, connection, graph, out, started, database)
    except Exception as exc:  # reported per schema; the others carry on
        if not connection.in_atomic_block:
            connection.close()  # a broken session is not reused for the next schema
        return SchemaResult(
            schema,
            "failed",
            error=f"{type(exc).__name__}: {exc}".strip(),
            seconds=time.perf_counter() - started,
            output=out.getvalue(),
        )
    finally:
        with contextlib.suppress(Exception):
            connection.set_schema_to_public()


def _migrate_schema(schema, options, connection, graph, out, started, database) -> SchemaResult:
    if not schema_exists(schema, database):
        raise LookupError(f'schema "{schema}" does not exist (its organization row remains)')
    schema_pre_migration.send(migrate_schema, schema_name=schema)
    # The recorder table must exist in the schema itself before migrating, or the public one is found.
    connection.set_schema(schema, include_public=False)
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    before = set(recorder.applied_migrations())
    connection.set_schema(schema)
    atomic = not ((graph.expected - before) & graph.non_atomic)
    command = get_tenant_base_migrate_command_class()(stdout=out, stderr=out, no_color=True)
    parser = command.create_parser("manage.py", "migrate")
    defaults = {a.dest: a.default for a in parser._actions if a.dest != "help"}  # as call_command does
    run = {**defaults, **options, "skip_checks": True, "interactive": False, "no_color": True}
    if atomic:
        with transaction.atomic(using=database):
            command.execute(**run)
    else:
        command.execute(**run)
    connection.set_schema(schema, include_public=False)
    applied = sorted(set(MigrationRecorder(connection).applied_migrations()) - before)
    schema_migrated.send(migrate_schema, schema_name=schema)
    status = "applied" if applied else "up to date"
    return SchemaResult(
        schema,
        status,
        [f"{a}.{n}" for a, n in applied],
        seconds=time.perf_counter() - started,
        output=out.getvalue(),
    )


# --- worker processes -------------------------------------------------------------------------------------

_INHERITED: list = []  # the parent's connection wrappers, kept referenced so their sockets are never closed


def _worker_init() -> None:
    """Forked worker: give it database connections of its own. The parent's are kept, untouched, in
    _INHERITED (closing, or freeing, them here would end the parent's session on the shared socket); workers
    leave with os._exit, which runs no finalizer."""
    for alias in list(connections.settings):
        _INHERITED.append(connections[alias])
        connections[alias] = connections.create_connection(alias)


def _worker_migrate(args: tuple) -> SchemaResult:
    schema, options, database, graph = args
    return migrate_schema(schema, options, database=database, graph=graph)


def migrate_in_parallel(
    schemas: list[str],
    options: dict,
    *,
    processes: int,
    database: str = "default",
    graph: Graph | None = None,
):
    """Yield one SchemaResult per schema as they finish, from `processes` forked workers (in-process when
    one worker or one schema suffices)."""
    graph = graph or Graph.load()
    # Streams (call_command(stdout=...)) stay in this process; the workers capture their own output.
    options = {k: v for k, v in options.items() if k not in ("stdout", "stderr")}
    if processes <= 1 or len(schemas) <= 1:
        for schema in schemas:
            yield migrate_schema(schema, options, database=database, graph=graph)
        return
    connection = connections[database]
    if not connection.in_atomic_block:
        connection.close()  # nothing to inherit
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=min(processes, len(schemas)), initializer=_worker_init) as pool:
        yield from pool.imap_unordered(_worker_migrate, [(s, options, database, graph) for s in schemas])


# --- the command ------------------------------------------------------------------------------------------


class Command(MigrateSchemasCommand):
    help = MigrateSchemasCommand.help + " Skips up-to-date schemas; migrates the others in parallel."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Worker processes migrating the schemas that need it "
            "(default TENANT_MULTIPROCESSING_MAX_PROCESSES).",
        )

    def handle(self, *args, **options):
        if options.get("executor") or any(options.get(o) for o in _PASSTHROUGH_OPTIONS):
            return self._handle_django_tenants(*args, **options)
        SyncCommon.handle(self, *args, **options)
        database = options.get("database") or "default"
        public = get_public_schema_name()
        verbosity = int(options.get("verbosity", 1))
        if self.sync_public:
            GET_EXECUTOR_FUNCTION(codename="standard")(self.args, self.options).run_migrations(
                tenants=[public]
            )
            connections[database].set_schema_to_public()
            if not options.get("check_unapplied"):
                ensure_public_tenant()
        if not self.sync_tenant:
            return
        schemas = self._tenant_schemas(public, database)
        if not schemas:
            return
        started = time.perf_counter()
        graph = Graph.load()
        todo = pending_schemas(schemas, database=database, graph=graph)
        checked = time.perf_counter() - started
        if verbosity >= 1:
            self.stdout.write(
                f"Checked {len(schemas)} schemas in {checked:.2f} s: {len(schemas) - len(todo)} up to date, "
                f"{len(todo)} to migrate."
            )
        if verbosity >= 2:
            for schema in schemas:
                if schema not in todo:
                    self.stdout.write(f"  {schema}: up to date")
        if options.get("check_unapplied"):
            if todo:
                self.stderr.write("Unapplied migrations in: " + ", ".join(todo))
                raise SystemExit(1)
            return
        processes = options.get("processes") or getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)
        results = self._migrate(todo, processes, database, verbosity, graph)
        connections[database].set_schema_to_public()
        if template_schema() in schemas:
            install_clone_function()  # the current django-tenants version's function, once per migrate
            _queue_spare_refill()
        failed = [r for r in results if r.status == "failed"]
        if verbosity >= 1:
            applied = sum(1 for r in results if r.status == "applied")
            self.stdout.write(
                f"{len(schemas)} schemas: {len(schemas) - applied - len(failed)} up to date, {applied} migrated, "
                f"{len(failed)} failed ({time.perf_counter() - started:.1f} s, "
                f"{min(processes, max(len(todo), 1))} processes)."
            )
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(schemas)} schemas failed to migrate and were left unchanged: "
                + ", ".join(r.schema for r in failed)
                + ". Fix the cause and run migrate_schemas again."
            )

    def _tenant_schemas(self, public: str, database: str) -> list[str]:
        """The organization schemas (or the one named by -s), then the template when all are targeted."""
        if self.schema_name and self.schema_name != public:
            if self.schema_name != template_schema() and not schema_exists(self.schema_name, database):
                raise RuntimeError(f'Schema "{self.schema_name}" does not exist')
            if self.schema_name == template_schema():
                ensure_template_schema()
            return [self.schema_name]
        schemas = list(
            get_tenant_model()
            .objects.using(database)
            .exclude(schema_name__in=[public, template_schema()])
            .order_by("pk")
            .values_list("schema_name", flat=True)
        )
        ensure_template_schema()
        return [*schemas, template_schema()]

    def _migrate(self, todo, processes, database, verbosity, graph) -> list[SchemaResult]:
        results = []
        runs = migrate_in_parallel(todo, self.options, processes=processes, database=database, graph=graph)
        for result in runs:
            results.append(result)
            if result.status == "failed":
                self.stderr.write(f"  {result.schema}: FAILED ({result.seconds:.2f} s): {result.error}")
                if verbosity >= 2 and result.output:
                    self.stderr.write("    " + result.output.strip().replace("\n", "\n    "))
            elif verbosity >= 1:
                what = ", ".join(result.applied) if result.applied else "nothing new"
                if len(result.applied) > 4:
                    what = f"{len(result.applied)} migrations, {result.applied[0]} … {result.applied[-1]}"
                self.stdout.write(f"  {result.schema}: {result.status} ({result.seconds:.2f} s): {what}")
                if verbosity >= 2 and result.output:
                    self.stdout.write("    " + result.output.strip().replace("\n", "\n    "))
        return results

    def _handle_django_tenants(self, *args, **options):
        """django-tenants' command as it is, then the template schema and the public tenant row."""
        super().handle(*args, **options)
        connection = connections[options.get("database") or "default"]
        connection.set_schema_to_public()
        if self.sync_public:
            ensure_public_tenant()
        targets_all_tenants = self.sync_tenant and (
            not self.schema_name or self.schema_name == get_public_schema_name()
        )
        if targets_all_tenants or self.schema_name == template_schema():
            ensure_template_schema()
            executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
            executor.run_migrations(tenants=[template_schema()])
            connection.set_schema_to_public()
            install_clone_function()


def _queue_spare_refill() -> None:
    """Spares of the old migration state are now skipped: have a worker build new ones (never inline, and a
    broker that is down does not fail the migration; beat tops them up every 10 minutes anyway)."""
    from tenants.template import spare_schemas_target

    if not spare_schemas_target() or settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        from tenants.tasks import refill_spare_schemas

        refill_spare_schemas.delay()
    except Exception as exc:  # the broker's own errors vary by transport
        logging.getLogger(__name__).warning("spare schemas: could not queue a refill: %s", exc)
