"""Entry point of `make bench`.

    python -m benchmarks.run [provision|migrate|http|import|learning|all] [--quick] [options]

Runs on its own database, `<name>_bench` next to DATABASE_URL's (created and migrated here), so it never
touches the dev data. See benchmarks/__init__.py and each module's docstring for what is measured.
"""

import argparse
import json
import sys
import time
import traceback

from . import common

BENCHMARKS = ("provision", "migrate", "http", "import", "learning", "cost", "assessment-stats", "quiz-submit")
BENCHMARKS += ("certificates",)
FULL = {
    "count": 200,
    "orgs": 1000,
    "duration": 10.0,
    "warmup": 2.0,
    "migrate_repeats": 1,
    "create_budget": 120.0,
    "courses": 500,
    "progress_rows": 50_000,
}
QUICK = {
    "count": 10,
    "orgs": 20,
    "duration": 3.0,
    "warmup": 1.0,
    "migrate_repeats": 1,
    "create_budget": 60.0,
    "courses": 50,
    "progress_rows": 5_000,
}


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("benchmark", nargs="?", default="all", choices=[*BENCHMARKS, "all"])
    p.add_argument("--quick", action="store_true", help="small counts, for a smoke test")
    p.add_argument("--fresh-db", action="store_true", help="drop and re-create the bench database first")
    p.add_argument(
        "--reuse-connection",
        action="store_true",
        help="provision every organization on one database connection (default: a new one each)",
    )
    g = p.add_argument_group("provision")
    g.add_argument("--count", type=int, help="provisions in a row per path (200; quick 10)")
    g.add_argument(
        "--compare-count", type=int, help="provisions by the former clone_schema() path (min(count, 50))"
    )
    g = p.add_argument_group("migrate")
    g.add_argument("--orgs", type=int, help="organizations to migrate across (1000; quick 20)")
    g.add_argument(
        "--no-fast-fill",
        action="store_true",
        help="when the budget runs out, migrate across the organizations made so far instead of topping up",
    )
    g.add_argument("--create-budget", type=float, help="seconds allowed for creating them (120; quick 60)")
    g.add_argument(
        "--executors",
        default="fleet",
        help="paths to time, comma-separated: fleet (the project's default), standard, multiprocessing "
        "(django-tenants' executors, slow with many organizations) (fleet)",
    )
    g.add_argument(
        "--no-trivial-migration",
        action="store_true",
        help="skip applying one throwaway migration to every organization",
    )
    g.add_argument("--migrate-repeats", type=int, help="runs per executor with the organizations (1)")
    g = p.add_argument_group("http")
    g.add_argument("--duration", type=float, help="measured seconds per endpoint (10; quick 3)")
    g.add_argument("--warmup", type=float, help="unmeasured seconds per endpoint first (2; quick 1)")
    g.add_argument("--max-requests", type=int, default=200_000, help="request cap per endpoint (200000)")
    g.add_argument("--concurrency", type=int, default=8, help="connections / client threads (8)")
    g.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    g.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync)")
    g.add_argument(
        "--list-orgs",
        type=int,
        default=24,
        help="extra organizations so the platform list has full pages (24)",
    )
    g.add_argument(
        "--loadgen",
        choices=["python", "wrk"],
        default="python",
        help="load generator: python (always there) or wrk (if installed)",
    )
    g = p.add_argument_group("cost")
    g.add_argument("--repeats", type=int, help="rounds over every endpoint and the floors (30; quick 10)")
    g.add_argument("--cost-rows", type=int, default=60, help="rows of every listed object (60)")
    g.add_argument(
        "--cost-only", help="only the cost rows whose name contains one of these (comma-separated)"
    )
    g = p.add_argument_group("learning (also takes the http options)")
    g.add_argument("--courses", type=int, help="courses in the organization (500; quick 50)")
    g.add_argument("--progress-rows", type=int, help="lesson progress rows (50000; quick 5000)")
    from .assessment_stats import add_arguments as assessment_stats_arguments

    assessment_stats_arguments(p)
    from .quiz_submit import add_arguments as quiz_submit_arguments

    quiz_submit_arguments(p)
    from .certificates import add_arguments as certificates_arguments

    certificates_arguments(p)
    args = p.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def _argv_for(name: str, args: argparse.Namespace, raw: list[str]) -> list[str]:
    """The arguments that reproduce one benchmark of this run."""
    rest = [a for a in raw if a not in (*BENCHMARKS, "all")]
    return [name, *rest]


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parse(raw)
    url = common.ensure_bench_database(fresh=args.fresh_db)
    common.setup_django()
    print(f"bench database: {url.rsplit('/', 1)[-1]} (settings {common.SETTINGS_MODULE})", flush=True)
    seconds = common.migrate_bench_database()
    print(f"migrated it in {seconds:.1f} s", flush=True)
    machine = common.machine_facts()
    print("machine: " + ", ".join(f"{k}={v}" for k, v in machine.items()), flush=True)

    from . import cost, http_load, learning, migrate, provision

    modules = {"provision": provision, "migrate": migrate, "http": http_load, "learning": learning}
    modules["cost"] = cost
    from . import assessment_stats

    modules["assessment-stats"] = assessment_stats
    from . import quiz_submit

    modules["quiz-submit"] = quiz_submit
    from . import certificates

    modules["certificates"] = certificates
    chosen = BENCHMARKS if args.benchmark == "all" else (args.benchmark,)
    written, failed = {}, []
    started = time.perf_counter()
    for name in chosen:
        if name == "import":
            from . import import_bench

            # 10,000 people from a CSV (2,000 with --quick); it writes its own results file.
            rc = import_bench.main(["--rows", "2000"] if args.quick else [])
            if rc:
                failed.append(name)
            continue
        try:
            result = modules[name].run(args, _argv_for(name, args, raw), machine)
            path = result.write(machine)
            written[name] = path
            print(f"  -> {path.relative_to(common.ROOT)}", flush=True)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    print(f"\nbench finished in {time.perf_counter() - started:.0f} s", flush=True)
    if len(written) > 1 or args.benchmark == "all":
        print("\n" + markdown(written, machine))
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def markdown(written: dict, machine: dict) -> str:
    """README-ready tables of this run's figures."""
    data = {name: json.loads(path.read_text()) for name, path in written.items()}
    m = machine
    lines = [
        f"Machine: `nproc` = {m['nproc']} ({m['cpu']}, {m['mem_gib']} GiB), PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}, Django {m['django']}, django-tenants {m['django_tenants']}, "
        f"gunicorn {m['gunicorn']}; commit {m['git_commit']}.",
    ]
    if p := data.get("provision"):
        f, n = p["figures"], p["params"]["count_per_mode"]
        lines += [
            "",
            f"Provisioning one organization ({f['tenant_tables']} tables per schema, {n} in a row per path, "
            f"`make bench BENCH_ARGS=provision`):",
            "",
            "| schema from | n | p50 | p95 | p99 | max | median of each tenth (ms) |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        labels = {"spare": "spare schema renamed", "replay": "rendered DDL replayed",
                  "clone_schema": "clone_schema() (former)"}  # fmt: skip
        for mode, label in labels.items():
            if mode not in f:
                continue
            s = f[mode]["seconds"]
            cells = " | ".join(f"{s[k] * 1000:.0f} ms" for k in ("median", "p95", "p99", "max"))
            tenths = " ".join(f"{t * 1000:.0f}" for t in f[mode].get("tenth_medians", []))
            lines.append(f"| {label} | {s['n']} | {cells} | {tenths} |")
    if mg := data.get("migrate"):
        f = mg["figures"]
        n = f.get("orgs_migrated", mg["params"]["orgs"])
        lines += [
            "",
            "`migrate_schemas --noinput` with nothing to apply (`make bench BENCH_ARGS=migrate`):",
            "",
            f"| executor | 0 orgs | {n} orgs | per org |",
            "| --- | --- | --- | --- |",
        ]
        for executor, w in f.get("with_orgs", {}).items():
            base = f["baseline"][executor]["seconds"]
            med = w["seconds"].get("median")
            with_orgs = "failed" if med is None else f"{med:.1f} s"
            per = "-" if w["per_org_ms"] is None else f"{w['per_org_ms']:.1f} ms"
            lines.append(f"| {executor} | {base:.1f} s | {with_orgs} | {per} |")
        if t := f.get("trivial"):
            lines += [
                "",
                f"One trivial migration applied to {t['schemas_migrated']} schemas: {t['seconds']:.1f} s "
                f"({t['per_schema_wall_ms']:.0f} ms per schema of wall time), {t['schemas_failed']} failed.",
            ]
        if c := f.get("create_orgs"):
            per = c["per_org_seconds"]
            tenths = ", ".join(f"{x * 1000:.0f}" for x in c["median_by_tenth_seconds"])
            lines += [
                "",
                f"Provisioning organizations one after another from the template: {c['count']} in "
                f"{c['total_seconds']:.0f} s (budget {mg['params']['create_budget_seconds']:g} s), median "
                f"{per['median'] * 1000:.0f} ms, p95 {per['p95'] * 1000:.0f} ms each; median per tenth of "
                f"the run, first to last: {tenths} ms.",
            ]
        if ff := f.get("fast_fill"):
            lines.append(
                f"The other {ff['count']} were made by replaying a pg_dump of the template "
                f"({ff['schema_seconds']['median'] * 1000:.0f} ms per schema, median)."
            )
    if h := data.get("http"):
        pr = h["params"]
        lines += [
            "",
            f"HTTP on 127.0.0.1, gunicorn {pr['workers']} {pr['worker_class']} workers, "
            f"{pr['concurrency']} client connections ({pr['loadgen']} generator on the same machine), "
            f"{pr['duration_seconds']:g} s per endpoint after {pr['warmup_seconds']:g} s warm-up "
            f"(`make bench BENCH_ARGS=http`):",
            "",
            "| endpoint | req/s | p50 | p95 | errors / requests | gunicorn CPU per request |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for r in h["figures"]["endpoints"].values():
            lat = r["latency_ms"]
            lines.append(
                f"| {r['description']} | {r['rps']:.0f} | {lat['p50']:.1f} ms | {lat['p95']:.1f} ms "
                f"| {r['errors']} / {r['requests']} | {r.get('server_cpu_ms_per_request')} ms |"
            )
    if le := data.get("learning"):
        pr, d = le["params"], le["figures"]["data"]
        lines += [
            "",
            f"Catalog and lesson player with {d['courses']} courses, {d['items']} lessons, {d['enrollments']} "
            f"enrollments and {d['progress_rows']} progress rows in one organization; gunicorn {pr['workers']} "
            f"{pr['worker_class']} workers, {pr['concurrency']} client connections, {pr['duration_seconds']:g} s "
            f"per endpoint (`make bench BENCH_ARGS=learning`):",
            "",
            "| endpoint | req/s | p50 | p95 | errors / requests | gunicorn CPU per request |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for r in le["figures"]["endpoints"].values():
            lat = r["latency_ms"]
            lines.append(
                f"| {r['description']} | {r['rps']:.0f} | {lat['p50']:.1f} ms | {lat['p95']:.1f} ms "
                f"| {r['errors']} / {r['requests']} | {r.get('server_cpu_ms_per_request')} ms |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
