"""`make db-stop` (scripts/devdb.py stop) really stops the embedded PostgreSQL, also after `make run` /
`make test` (which start it through `devdb.py exec`) and when root started it (pgserver then runs it as the
`pgserver` user, which is how CI runs)."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("pgserver")

ROOT = Path(__file__).resolve().parents[2]


def devdb(pgdata: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["LEARNSTACK_PGDATA"] = str(pgdata)
    return subprocess.run(
        [sys.executable, "scripts/devdb.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))  # not a zombie


@pytest.fixture
def pgdata():
    # A short path: the server's Unix socket lives in PGDATA, and socket paths are limited to ~100 bytes.
    parent = Path(tempfile.mkdtemp(prefix="ls-devdb-"))
    data = parent / "postgres"
    yield data
    pid_file = data / "postmaster.pid"
    if pid_file.exists():  # the test failed: do not leave a server behind
        pid = int(pid_file.read_text().split()[0])
        if running(pid):
            os.kill(pid, signal.SIGQUIT)
    shutil.rmtree(parent, ignore_errors=True)


def postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])


def test_db_stop_stops_a_server_that_make_run_started(pgdata):
    started = devdb(
        pgdata, "exec", "--", sys.executable, "-c", "import os; print(os.environ['DATABASE_URL'])"
    )
    assert started.returncode == 0, started.stderr[-2000:]
    again = devdb(pgdata, "exec", "--", "true")  # a second `make` command on the running server
    assert again.returncode == 0, again.stderr[-2000:]
    pid = postmaster_pid(pgdata)
    assert running(pid)

    stopped = devdb(pgdata, "stop")

    assert stopped.returncode == 0, stopped.stderr[-2000:]
    assert not (pgdata / "postmaster.pid").exists()
    assert not running(pid)


def test_db_stop_stops_a_server_started_for_its_url_and_is_harmless_when_nothing_runs(pgdata):
    url = devdb(pgdata, "url")
    assert url.returncode == 0, url.stderr[-2000:]
    assert url.stdout.strip().endswith("/learnstack")
    pid = postmaster_pid(pgdata)

    first = devdb(pgdata, "stop")
    second = devdb(pgdata, "stop")

    assert first.returncode == second.returncode == 0
    assert not running(pid)
    assert "No embedded PostgreSQL is running" in second.stdout
