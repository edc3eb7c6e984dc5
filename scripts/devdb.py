"""Make sure a PostgreSQL is there and run a command with DATABASE_URL pointing at it.

With DATABASE_URL already set, that server is used as it is. Otherwise an embedded PostgreSQL 16 from the
`pgserver` wheel is started in .data/postgres (kept between runs; `make db-stop` stops it).

    python scripts/devdb.py url              # print the URL
    python scripts/devdb.py exec -- CMD ...  # run CMD with DATABASE_URL set
    python scripts/devdb.py stop
"""

import contextlib
import os
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("LEARNSTACK_PGDATA", ROOT / ".data" / "postgres"))
DB_NAME = os.environ.get("LEARNSTACK_DB_NAME", "learnstack")
# The test suite keeps a module's shared objects in one open transaction (tests/conftest.py: rolled_back)
# while, on the other worker, a test provisions a dozen organizations in its own (470 relations each, all
# locked until it ends): PostgreSQL's default lock table (64 per connection) runs out.
MAX_LOCKS_PER_TRANSACTION = 1024


def embedded_url() -> str:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(PGDATA, cleanup_mode=None)  # keep running after this process exits
    if f" {MAX_LOCKS_PER_TRANSACTION}\n" not in server.psql("SHOW max_locks_per_transaction;"):
        server.psql(f"ALTER SYSTEM SET max_locks_per_transaction = {MAX_LOCKS_PER_TRANSACTION};")
        server.cleanup()
        with contextlib.redirect_stdout(sys.stderr):  # `url` prints only the URL
            stop()  # the setting takes a restart
        server = pgserver.get_server(PGDATA, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{DB_NAME}";')
    # Drop this process's handle now (cleanup_mode=None: the server keeps running). `exec` replaces the
    # process, so pgserver's exit hook would never run and its pid would stay in PGDATA/.handle_pids.json.
    server.cleanup()
    socket_dir = quote(str(PGDATA), safe="")
    return f"postgres://postgres@{socket_dir}/{DB_NAME}"


def stop() -> int:
    """Stop the embedded server with `pg_ctl stop`, as the user that owns PGDATA.

    Not through pgserver's handles: it stops the server only when the caller holds the last one, and every
    `exec` (make run, make test) leaves a handle behind, so `stop` used to do nothing. When root starts
    it, pgserver runs PostgreSQL as the `pgserver` user, and pg_ctl refuses to run as root."""
    if not (PGDATA / "postmaster.pid").exists():
        print(f"No embedded PostgreSQL is running in {PGDATA}.")
        return 0
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    pg_ctl = Path(pgserver.__file__).resolve().parent / "pginstall" / "bin" / "pg_ctl"
    owner = PGDATA.stat().st_uid
    as_owner = {"user": owner} if hasattr(os, "geteuid") and os.geteuid() != owner else {}

    def run(*args: str) -> subprocess.CompletedProcess:
        command = [str(pg_ctl), "-D", str(PGDATA), *args]
        # The wheel's own pg_ctl with fixed arguments.
        return subprocess.run(  # noqa: S603
            command, cwd=PGDATA, capture_output=True, text=True, check=False, **as_owner
        )

    if run("status").returncode == 3:  # a postmaster.pid left by a crash: nothing to stop
        print(f"No embedded PostgreSQL is running in {PGDATA}.")
        return 0
    completed = run("-w", "-t", "60", "-m", "fast", "stop")
    if completed.returncode != 0 and (PGDATA / "postmaster.pid").exists():
        print(completed.stderr.strip() or completed.stdout.strip(), file=sys.stderr)
        return completed.returncode
    (PGDATA / ".handle_pids.json").write_text("[]")  # no process holds the stopped server any more
    print(f"Stopped the embedded PostgreSQL in {PGDATA}.")
    return 0


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or embedded_url()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "url"
    if command == "url":
        print(database_url())
        return 0
    if command == "stop":
        return stop()
    if command == "exec":
        rest = argv[2:]
        if rest and rest[0] == "--":
            rest = rest[1:]
        if not rest:
            print("usage: devdb.py exec -- COMMAND ...", file=sys.stderr)
            return 2
        os.environ["DATABASE_URL"] = database_url()
        os.execvp(rest[0], rest)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
