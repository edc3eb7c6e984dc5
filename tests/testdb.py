"""The test database, built once per state of the code and cloned for each pytest process.

Migrating a new test database (the public schema, then the tenant template schema) and provisioning the two
test organizations takes about a minute, and `make test` starts three pytest processes (two xdist workers,
then the browser run). So the first process builds a template database, named by a hash of everything that
shapes it (the migrations, the models, the provisioning code and tests/conftest.py), and every process then
makes its own test database from it with PostgreSQL's `CREATE DATABASE ... TEMPLATE`, which copies files
instead of replaying DDL (about a second). A file lock (one per database server) makes the processes wait for the one that builds.
Older templates of this checkout are dropped when a new one is built.
"""

import contextlib
import fcntl
import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.db import connection, connections

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "lstpl_"
# What shapes the database: the schema (migrations and models), provisioning and the tenant template
# (tenants/), and what tests/conftest.py puts in it.
SHAPING = ("apps", "tenants", "config")
MIN_LOCKS_PER_TRANSACTION = 512


def _fingerprint() -> str:
    digest = hashlib.sha256()
    files = sorted(path for top in SHAPING for path in (ROOT / top).rglob("*.py"))
    for path in [*files, ROOT / "tests" / "conftest.py", Path(__file__)]:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _execute_without_database(sql: str, params=None) -> list:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _exists(name: str) -> bool:
    return bool(_execute_without_database("SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _use(name: str) -> None:
    from django.conf import settings

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _close_sessions(name: str) -> None:
    _execute_without_database(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )


def _drop_older_templates(current: str) -> None:
    """Templates of earlier states of the code (never one being built: another process may be at it, with
    other files than this one's, while a session edits them)."""
    from django.db import DatabaseError

    rows = _execute_without_database(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s AND datname NOT LIKE %s",
        [f"{PREFIX}%", current, "%\\_building"],
    )
    for (old,) in rows:
        with contextlib.suppress(DatabaseError):  # still open somewhere: the next build drops it
            _execute_without_database(f"DROP DATABASE IF EXISTS {_quoted(old)}")


def prepare(build: Callable[[], None], *, verbosity: int = 0) -> str:
    """Make this process's test database (its TEST NAME, with pytest-xdist's worker suffix) from the
    template, building the template first with `setup_databases` and `build()` when it does not exist.
    Returns the test database's name; the connection then points at it."""
    from django.test.utils import setup_databases

    (locks,) = _execute_without_database("SHOW max_locks_per_transaction")[0]
    if int(locks) < MIN_LOCKS_PER_TRANSACTION:
        raise RuntimeError(
            f"The test suite needs max_locks_per_transaction >= {MIN_LOCKS_PER_TRANSACTION} (this server has "
            f"{locks}): a module's shared objects stay in one open transaction while tests on the other worker "
            "provision organizations. Run `ALTER SYSTEM SET max_locks_per_transaction = 1024;` and restart the "
            "server (the embedded one of `make test` is set up so by scripts/devdb.py)."
        )
    test_name = connection.creation._get_test_db_name()
    template = f"{PREFIX}{_fingerprint()}"
    host = connection.settings_dict.get("HOST") or "local"
    port = connection.settings_dict.get("PORT") or ""
    # One lock per server: a process that builds a newer template drops the older ones, so no other process
    # may be cloning one meanwhile.
    server = hashlib.sha256(f"{host}:{port}".encode()).hexdigest()[:12]  # the host may be a socket directory
    lock_path = Path(tempfile.gettempdir()) / f"learnstack-testdb-{server}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _exists(template):
            _drop_older_templates(template)
            building = f"{template}_building"  # renamed when complete: a killed build leaves no template
            _execute_without_database(f"DROP DATABASE IF EXISTS {_quoted(building)}")
            connection.settings_dict.setdefault("TEST", {})
            saved_test_name = connection.settings_dict["TEST"].get("NAME")
            connection.settings_dict["TEST"]["NAME"] = building
            try:
                setup_databases(
                    verbosity=verbosity, interactive=False, aliases={"default"}, serialized_aliases=set()
                )
                build()
            finally:
                connection.settings_dict["TEST"]["NAME"] = saved_test_name
                connections.close_all()
            _close_sessions(building)  # anything the build left open (a connection of another thread)
            _execute_without_database(f"ALTER DATABASE {_quoted(building)} RENAME TO {_quoted(template)}")
        _execute_without_database(f"DROP DATABASE IF EXISTS {_quoted(test_name)}")
        _execute_without_database(f"CREATE DATABASE {_quoted(test_name)} TEMPLATE {_quoted(template)}")
    _use(test_name)
    return test_name


def drop(name: str) -> None:
    connections.close_all()
    _execute_without_database(f"DROP DATABASE IF EXISTS {_quoted(name)}")
