"""Make sure a PostgreSQL is there and run a command with DATABASE_URL pointing at it.

With DATABASE_URL already set, that server is used as it is. Otherwise an embedded PostgreSQL 16 from the
`pgserver` wheel is started in .data/postgres (kept between runs; `make db-stop` stops it).

    python scripts/devdb.py url              # print the URL
    python scripts/devdb.py exec -- CMD ...  # run CMD with DATABASE_URL set
    python scripts/devdb.py stop
"""

import os
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("LEARNSTACK_PGDATA", ROOT / ".data" / "postgres"))
DB_NAME = os.environ.get("LEARNSTACK_DB_NAME", "learnstack")


def embedded_url() -> str:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(PGDATA, cleanup_mode=None)  # keep running after this process exits
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{DB_NAME}";')
    socket_dir = quote(str(PGDATA), safe="")
    return f"postgres://postgres@{socket_dir}/{DB_NAME}"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or embedded_url()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "url"
    if command == "url":
        print(database_url())
        return 0
    if command == "stop":
        import pgserver

        if PGDATA.exists():
            pgserver.get_server(PGDATA, cleanup_mode="stop").cleanup()
        return 0
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
