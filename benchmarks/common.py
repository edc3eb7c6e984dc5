"""What every benchmark shares: the bench database, statistics, machine facts, results and clean-up."""

import json
import os
import platform
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
SETTINGS_MODULE = "benchmarks.settings"
BENCH_SUFFIX = "_bench"
# Every organization a benchmark makes has a slug starting with this, so clean-up can find them all.
SLUG_PREFIX = "bench-"


# --- the bench database (before Django is set up) ----------------------------------------------------------


def bench_database_url(url: str) -> str:
    """The same server, database `<name>_bench` (unchanged if the name already ends in _bench)."""
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/")) or "learnstack"
    if not name.endswith(BENCH_SUFFIX):
        name += BENCH_SUFFIX
    return urlunsplit(parts._replace(path="/" + name))


def _database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def _maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def libpq_url(url: str) -> str:
    # libpq accepts postgresql:// and postgres://, but not dj-database-url's aliases such as postgis://.
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def ensure_bench_database(*, fresh: bool = False) -> str:
    """Point DATABASE_URL at the bench database, creating it (or re-creating it with fresh=True)."""
    import psycopg
    from psycopg import sql

    source = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not source:
        raise SystemExit("DATABASE_URL is not set: run through `make bench` or `scripts/devdb.py exec --`.")
    url = bench_database_url(source)
    name = _database_name(url)
    with psycopg.connect(libpq_url(_maintenance_url(url)), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    return url


def setup_django() -> None:
    import django

    django.setup()
    from django.db import connection

    if not connection.settings_dict["NAME"].endswith(BENCH_SUFFIX):
        raise SystemExit("refusing to run outside the bench database")


def migrate_bench_database() -> float:
    """Bring the bench database (public, template, any leftover tenants) to the latest migration."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    connection.set_schema_to_public()
    return time.perf_counter() - started


# --- organizations -----------------------------------------------------------------------------------------


def bench_plan():
    from tenants.models import Plan

    return Plan.objects.filter(code="growth").first() or Plan.objects.order_by("sort_order").first()


def fresh_connection() -> None:
    """Open a new database connection (outside any timing): each provisioning then starts like a web
    request on a new connection, not on one that has already created dozens of schemas."""
    from django.db import connection

    connection.close()
    connection.ensure_connection()
    connection.set_schema_to_public()


def provision(slug: str, *, use_template: bool = True, plan=None):
    from tenants.services import organization_provision

    return organization_provision(
        name=f"Bench {slug}",
        slug=slug,
        plan=plan or bench_plan(),
        admin_email=f"admin@{slug}.example.com",
        admin_name="Bench Admin",
        trial_days=0,
        use_template=use_template,
    )


def _assert_bench_database() -> None:
    from django.db import connection

    if not connection.settings_dict["NAME"].endswith(BENCH_SUFFIX):
        raise RuntimeError("refusing to drop schemas outside the bench database")


def drop_bench_organizations(batch: int = 10) -> dict:
    """Drop every organization of the bench database (and any stray schema), straight in SQL: the
    service's delete waits for a grace period. Only ever runs against the *_bench database."""
    from django.conf import settings
    from django.db import connection, transaction

    from tenants.models import Organization, OrganizationEvent

    _assert_bench_database()
    started = time.perf_counter()
    connection.set_schema_to_public()
    keep = {settings.PUBLIC_SCHEMA_NAME, settings.TENANT_BASE_SCHEMA, "information_schema"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'")
        schemas = sorted(row[0] for row in cursor.fetchall() if row[0] not in keep)
    # A few schemas per transaction: dropping hundreds at once runs out of lock slots.
    for i in range(0, len(schemas), batch):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DROP SCHEMA IF EXISTS {} CASCADE".format(
                    ", ".join(connection.ops.quote_name(s) for s in schemas[i : i + batch])
                )
            )
    with transaction.atomic():
        doomed = Organization.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        OrganizationEvent.objects.all().delete()
        count = doomed.count()
        doomed.delete()
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
    return {
        "schemas_dropped": len(schemas),
        "organizations_deleted": count,
        "seconds": round(time.perf_counter() - started, 3),
    }


def tenant_table_count() -> int:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
            [settings.TENANT_BASE_SCHEMA],
        )
        return cursor.fetchone()[0]


# --- statistics --------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize(values: list[float], digits: int = 4) -> dict:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "min": round(min(values), digits),
        "median": round(percentile(values, 50), digits),
        "mean": round(sum(values) / len(values), digits),
        "p95": round(percentile(values, 95), digits),
        "p99": round(percentile(values, 99), digits),
        "max": round(max(values), digits),
    }


# --- machine facts -----------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _mem_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine_facts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": _cpu_model(),
        "mem_gib": _mem_total_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": pg_version,
        "django": _version("Django"),
        "django_tenants": _version("django-tenants"),
        "gunicorn": _version("gunicorn"),
        "git_commit": _git_commit(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


class CpuMeter:
    """Share of the whole machine's CPU that was busy between start() and stop() (every process, ours and
    anyone else's): tells a reader how noisy a figure was."""

    @staticmethod
    def _sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle

    def start(self) -> "CpuMeter":
        self._start = self._sample()
        return self

    def stop(self) -> float | None:
        total, idle = self._sample()
        d_total, d_idle = total - self._start[0], idle - self._start[1]
        return round(100 * (d_total - d_idle) / d_total, 1) if d_total else None


# --- results -----------------------------------------------------------------------------------------------


def reproduce_commands(argv: list[str]) -> dict[str, str]:
    args = " ".join(shlex.quote(a) for a in argv)
    return {
        "make": f'make bench BENCH_ARGS="{args}"',
        "direct": f".venv/bin/python scripts/devdb.py exec -- .venv/bin/python -m benchmarks.run {args}",
    }


@dataclass
class Result:
    name: str
    argv: list[str]
    params: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def write(self, machine: dict) -> Path:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        payload = {
            "benchmark": self.name,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "reproduce": reproduce_commands(self.argv),
            "machine": machine,
            "params": self.params,
            "figures": self.figures,
            "notes": self.notes,
        }
        text = json.dumps(payload, indent=2, default=str)
        path = RESULTS_DIR / f"{self.name}-{stamp}.json"
        path.write_text(text)
        (RESULTS_DIR / f"{self.name}-latest.json").write_text(text)
        return path


def heading(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(0, 100 - len(title)), flush=True)


def show_reproduce(argv: list[str]) -> None:
    cmds = reproduce_commands(argv)
    print(f"Reproduce: {cmds['make']}\n       or: {cmds['direct']}", flush=True)


def fmt_ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def fmt_s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f} s"


def python() -> str:
    return sys.executable
