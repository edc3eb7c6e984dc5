"""3. Requests per second of tenant-routed API endpoints under gunicorn on 127.0.0.1.

Sets up organizations in the bench database (one `acme`-like org with an active Org Admin, `list_orgs`
more so the platform list has full pages, one platform operator), starts gunicorn with the bench settings
(config.wsgi:application, `workers` sync workers, loopback only), then for each endpoint runs a short
unmeasured warm-up and a measured closed-loop run. Gunicorn is stopped and the organizations dropped at
the end, whatever happens.
"""

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from . import common, loadgen

ORG_SLUG = f"{common.SLUG_PREFIX}acme"
OPERATOR_EMAIL = "operator@bench.example.com"
STARTUP_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tenant_list_endpoint_exists() -> bool:
    """The org-side GET /api/v1/organizations (that org only), if the tenant URLconf has it."""
    from django.urls import Resolver404, resolve

    from apps.core.views import page_not_found

    try:
        match = resolve("/api/v1/organizations", urlconf="config.urls_tenant")
    except Resolver404:
        return False
    return match.func is not page_not_found


def _fixtures(list_orgs: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from apps.core.api.authentication import tokens_for_user

    User = get_user_model()
    common.drop_bench_organizations()
    plan = common.bench_plan()
    org = common.provision(ORG_SLUG, plan=plan).organization
    for i in range(list_orgs):
        common.fresh_connection()
        common.provision(f"{common.SLUG_PREFIX}list-{i:03d}", plan=plan)
    with schema_context(org.schema_name):
        admin = User.objects.get(email=f"admin@{ORG_SLUG}.example.com")
        admin.status = User.Status.ACTIVE
        admin.save(update_fields=["status"])
        org_token = tokens_for_user(admin)["access"]
    connection.set_schema_to_public()
    operator = User.objects.filter(email=OPERATOR_EMAIL).first()
    if operator is None:
        operator = User.objects.create_superuser(OPERATOR_EMAIL, None, full_name="Bench Operator")
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        operator_token = tokens_for_user(operator)["access"]
    connection.set_schema_to_public()
    return {
        "org_host": org.host,
        "platform_host": settings.BASE_HOST,
        "org_token": org_token,
        "operator_token": operator_token,
        "total_orgs": 1 + list_orgs,
    }


def _targets(fx: dict, include_tenant_list: bool) -> list[loadgen.Target]:
    org_auth = {"Authorization": f"Bearer {fx['org_token']}"}
    targets = [
        loadgen.Target(
            "healthz",
            "/healthz",
            fx["org_host"],
            description="GET /healthz on the org host (routing + 1 query)",
        ),
        loadgen.Target(
            "auth_me",
            "/api/v1/auth/me",
            fx["org_host"],
            org_auth,
            description="GET /api/v1/auth/me on the org host, Org Admin JWT",
        ),
        loadgen.Target(
            "platform_org_list",
            "/api/v1/organizations",
            fx["platform_host"],
            {"Authorization": f"Bearer {fx['operator_token']}"},
            description=f"GET /api/v1/organizations on the platform host, operator JWT "
            f"(first page of {fx['total_orgs']} orgs, 10 per page)",
        ),
    ]
    if include_tenant_list:
        targets.append(
            loadgen.Target(
                "tenant_org_list",
                "/api/v1/organizations",
                fx["org_host"],
                org_auth,
                description="GET /api/v1/organizations on the org host, Org Admin JWT (that org only)",
            )
        )
    return targets


def _process_tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its children (gunicorn master + workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Gunicorn:
    def __init__(self, *, workers: int, worker_class: str, log_path: Path):
        self.port = _free_port()
        self.workers = workers
        self.worker_class = worker_class
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        return [
            common.python(),
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log_path),
        ]

    def start(self, probe_host: str) -> float:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": common.SETTINGS_MODULE}
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command, cwd=common.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        import http.client

        while time.perf_counter() - t0 < STARTUP_TIMEOUT:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz", headers={"Host": probe_host})
                if conn.getresponse().status == 200:
                    conn.close()
                    return time.perf_counter() - t0
                conn.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {STARTUP_TIMEOUT} s: {self.log_tail()}")

    def cpu_seconds(self) -> float:
        return _process_tree_cpu(self.proc.pid) if self.proc else 0.0

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-15:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


def _generate(port: int, target: loadgen.Target, args, *, duration: float) -> dict:
    if args.loadgen == "wrk":
        return loadgen.wrk_load(port, target, duration=duration, concurrency=args.concurrency)
    return loadgen.python_load(
        port, target, duration=duration, max_requests=args.max_requests, concurrency=args.concurrency
    )


def run(args, argv: list[str], machine: dict) -> common.Result:
    if args.loadgen == "wrk" and not loadgen.wrk_available():
        raise SystemExit("--loadgen wrk: wrk is not installed (apt-get install wrk), or use --loadgen python")
    common.heading(
        f"http: gunicorn, {args.workers} {args.worker_class} workers, {args.concurrency} connections, "
        f"{args.duration:g} s per endpoint ({args.loadgen} load generator)"
    )
    common.show_reproduce(argv)
    include_tenant_list = _tenant_list_endpoint_exists()
    fx = _fixtures(args.list_orgs)
    targets = _targets(fx, include_tenant_list)
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    server = Gunicorn(workers=args.workers, worker_class=args.worker_class, log_path=log)
    figures: dict = {"endpoints": {}}
    try:
        figures["gunicorn_startup_seconds"] = round(server.start(fx["org_host"]), 2)
        print(
            f"  gunicorn up on 127.0.0.1:{server.port} in {figures['gunicorn_startup_seconds']} s", flush=True
        )
        for target in targets:
            warm = _generate(server.port, target, args, duration=args.warmup)
            if warm["ok"] == 0:
                raise RuntimeError(
                    f"{target.name}: no successful request during warm-up: {warm['statuses']} "
                    f"{server.log_tail()}"
                )
            cpu = common.CpuMeter().start()
            server_cpu0 = server.cpu_seconds()
            result = _generate(server.port, target, args, duration=args.duration)
            server_cpu = server.cpu_seconds() - server_cpu0
            result["server_cpu_seconds"] = round(server_cpu, 2)
            # gunicorn's CPU per request: less sensitive to what else the machine is doing than req/s.
            result["server_cpu_ms_per_request"] = (
                round(1000 * server_cpu / result["requests"], 2) if result["requests"] else None
            )
            result["machine_cpu_busy_pct"] = cpu.stop()
            result["description"] = target.description
            result["host"] = target.host
            result["path"] = target.path
            figures["endpoints"][target.name] = result
            lat = result["latency_ms"]
            print(
                f"  {target.name:<20}{result['rps']:>9} rps   p50 {lat['p50']} ms   p95 {lat['p95']} ms   "
                f"errors {result['errors']}/{result['requests']}   "
                f"CPU {result['server_cpu_ms_per_request']} ms/req",
                flush=True,
            )
    finally:
        server.stop()
        if server.proc is not None and server.proc.returncode not in (0, None):
            print(f"  gunicorn exited with {server.proc.returncode}")
        figures["cleanup"] = common.drop_bench_organizations()
        with contextlib.suppress(OSError):
            log.unlink()

    print(
        f"\n  {'endpoint':<20}{'rps':>9}{'p50 ms':>10}{'p95 ms':>10}{'errors':>9}{'requests':>10}"
        f"{'CPU ms/req':>12}"
    )
    for name, r in figures["endpoints"].items():
        lat = r["latency_ms"]
        cpu_ms = r.get("server_cpu_ms_per_request")
        print(
            f"  {name:<20}{r['rps']:>9}{lat['p50']:>10}{lat['p95']:>10}{r['errors']:>9}{r['requests']:>10}"
            f"{'-' if cpu_ms is None else cpu_ms:>12}"
        )
    print("  (CPU ms/req: gunicorn's own CPU time, master and workers, divided by the requests served)")
    if not include_tenant_list:
        print("  (no org-side GET /api/v1/organizations in config.urls_tenant yet: endpoint (d) skipped)")

    return common.Result(
        name="http",
        argv=argv,
        params={
            "server": " ".join(["gunicorn", *server.command[3:]]),
            "workers": args.workers,
            "worker_class": args.worker_class,
            "concurrency": args.concurrency,
            "duration_seconds": args.duration,
            "warmup_seconds": args.warmup,
            "max_requests": args.max_requests,
            "loadgen": args.loadgen,
            "organizations": fx["total_orgs"],
            "tenant_list_endpoint": include_tenant_list,
            "cache": "redis" if os.environ.get("REDIS_URL") else "per-process memory (no REDIS_URL)",
        },
        figures=figures,
        notes=[
            "Client and server share the machine's cores: the load generator's CPU is in client_cpu_seconds.",
            "Without REDIS_URL host routing and rate-limit counters live in each worker's memory; production "
            "adds Redis round-trips for both.",
            "gunicorn sync workers close the connection after each response, so every request reconnects.",
        ],
    )
