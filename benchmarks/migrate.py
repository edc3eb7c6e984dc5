"""2. `migrate_schemas` across many organizations: nothing to apply, then one trivial migration.

First `manage.py migrate_schemas --noinput` with no organization at all (public + template only: the fixed
cost of starting Django and checking two schemas), then `orgs` organizations are provisioned from the
template for up to `--create-budget` seconds (timed: that is how fast a fleet can be created) and topped up
by fleet.fill (a pg_dump replay of the template), then the same command again, once per executor
(`fleet` is the project's default path: one query finds the up-to-date schemas and skips them; `standard`
and `multiprocessing` are django-tenants' executors, which migrate every schema one by one).
The per-organization cost is (with orgs - without) / orgs.

Then one trivial migration (a throwaway tenant app, `ls_bench_throwaway`, written to a temporary directory
and added by a generated settings module: never a file of the project) is applied to every schema with the
default path, and the no-op run repeated with it installed. Every organization is dropped afterwards and the
throwaway's table and django_migrations rows are removed from the public and template schemas.
"""

import os
import re
import shlex
import subprocess
import tempfile
import textwrap
import time
from pathlib import Path

from . import common, fleet

TIMEOUT = 600


THROWAWAY_APP = "ls_bench_throwaway"
THROWAWAY_TABLE = "ls_bench_throwaway_note"


def _command(executor: str) -> list[str]:
    cmd = [common.python(), "manage.py", "migrate_schemas", "--noinput"]
    if executor != "fleet":
        cmd.append(f"--executor={executor}")
    return cmd


def _shown(cmd: list[str], settings_module: str) -> str:
    env = f"DJANGO_SETTINGS_MODULE={settings_module} DATABASE_URL=<bench database>"
    return f"{env} {shlex.join(['.venv/bin/python', *cmd[1:]])}"


def throwaway_app(directory: Path) -> str:
    """Write a tenant app with one trivial migration (a one-column table) and a settings module that adds
    it to the bench settings, under `directory`. Returns the settings module's name."""
    package = directory / THROWAWAY_APP
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "migrations" / "__init__.py").write_text("")
    (package / "migrations" / "0001_initial.py").write_text(
        textwrap.dedent(f"""\
            from django.db import migrations


            class Migration(migrations.Migration):
                operations = [
                    migrations.RunSQL(
                        "CREATE TABLE {THROWAWAY_TABLE} (id integer PRIMARY KEY)", "DROP TABLE {THROWAWAY_TABLE}"
                    )
                ]
        """)
    )
    name = f"{THROWAWAY_APP}_settings"
    (directory / f"{name}.py").write_text(
        textwrap.dedent(f"""\
            from {common.SETTINGS_MODULE} import *  # noqa: F403
            from {common.SETTINGS_MODULE} import INSTALLED_APPS, TENANT_APPS

            TENANT_APPS = [*TENANT_APPS, "{THROWAWAY_APP}"]
            INSTALLED_APPS = [*INSTALLED_APPS, "{THROWAWAY_APP}"]
        """)
    )
    return name


def _remove_throwaway() -> None:
    """Take the throwaway migration out of the schemas that stay (public and template)."""
    from django.conf import settings
    from django.db import connection

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        for schema in (settings.PUBLIC_SCHEMA_NAME, settings.TENANT_BASE_SCHEMA):
            q = connection.ops.quote_name(schema)
            cursor.execute(f"DROP TABLE IF EXISTS {q}.{THROWAWAY_TABLE}")
            cursor.execute(f"DELETE FROM {q}.django_migrations WHERE app = %s", [THROWAWAY_APP])


def _run_migrate(executor: str, *, settings_module: str = common.SETTINGS_MODULE, path: str = "") -> dict:
    cmd = _command(executor)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module}
    if path:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (path, env.get("PYTHONPATH", "")) if p)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=common.ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
        seconds = time.perf_counter() - t0
        output = proc.stdout + proc.stderr
        rc = proc.returncode
    except subprocess.TimeoutExpired as exc:
        seconds = time.perf_counter() - t0
        output = (
            (exc.stdout or b"").decode(errors="replace")
            if isinstance(exc.stdout, bytes)
            else (exc.stdout or "")
        )
        rc = "timeout"
    lines = output.splitlines()
    checked = next((line for line in lines if line.startswith("Checked ")), "")
    match = re.search(r"Checked (\d+) schemas in ([\d.]+) s", checked)
    per_schema = [float(m.group(1)) for line in lines if (m := re.search(r": applied \(([\d.]+) s\)", line))]
    return {
        "executor": executor,
        "command": _shown(cmd, settings_module),
        "seconds": round(seconds, 3),
        "returncode": rc,
        # django-tenants' executors print a banner per schema; the fleet path one summary line.
        "schemas_reported": (1 + int(match.group(1)))  # public, then the tenant schemas checked
        if match
        else sum(1 for line in lines if "=== Starting migration" in line),
        "check_seconds": float(match.group(2)) if match else None,
        "schemas_migrated": len(per_schema),
        "schemas_failed": sum(1 for line in lines if ": FAILED (" in line),
        "migrations_applied": sum(1 for line in lines if "Applying " in line),
        "per_schema_seconds": common.summarize(per_schema) if per_schema else None,
        "summary": next((line for line in reversed(lines) if " schemas: " in line), ""),
        "output_tail": lines[-8:] if rc != 0 else [],
    }


def _print_run(label: str, run: dict) -> None:
    status = "ok" if run["returncode"] == 0 else f"FAILED (rc={run['returncode']})"
    print(
        f"  {label:<34}{common.fmt_s(run['seconds']):>10}   schemas {run['schemas_reported']:>5}, "
        f"migrated {run['schemas_migrated']}, failed {run['schemas_failed']}, {status}",
        flush=True,
    )
    if run["summary"]:
        print(f"      | {run['summary']}")
    for line in run["output_tail"]:
        print(f"      | {line}")


def _create_orgs(count: int, budget: float, plan, *, reuse_connection: bool) -> list[float]:
    """Provision `count` organizations from the template, one after another, within `budget` seconds."""
    creation: list[float] = []
    t_all = time.perf_counter()
    step = max(1, count // 10)
    for i in range(count):
        if time.perf_counter() - t_all > budget:
            break
        if not reuse_connection:
            common.fresh_connection()
        t0 = time.perf_counter()
        common.provision(f"{common.SLUG_PREFIX}m{i:04d}", use_template=True, plan=plan)
        creation.append(time.perf_counter() - t0)
        if (i + 1) % step == 0:
            print(
                f"  created {i + 1}/{count} organizations ({time.perf_counter() - t_all:.1f} s)", flush=True
            )
    return creation


def _creation_figures(creation: list[float], wanted: int, budget: float) -> dict:
    total = sum(creation)
    tenth = max(1, len(creation) // 10)
    chunks = [creation[k : k + tenth] for k in range(0, len(creation), tenth)][:10]
    return {
        "count": len(creation),
        "wanted": wanted,
        "budget_exhausted": len(creation) < wanted,
        "total_seconds": round(total, 2),
        "orgs_per_second": round(len(creation) / total, 2) if total else None,
        "per_org_seconds": common.summarize(creation),
        # Does provisioning slow down as schemas pile up? Median per tenth of the run, first to last.
        "median_by_tenth_seconds": [round(common.percentile(c, 50), 4) for c in chunks],
        "all_seconds": [round(x, 4) for x in creation],
    }


def run(args, argv: list[str], machine: dict) -> common.Result:
    executors = [e.strip() for e in args.executors.split(",") if e.strip()]
    common.heading(f"migrate: migrate_schemas across {args.orgs} organizations (no-op, one new migration)")
    common.show_reproduce(argv)
    common.drop_bench_organizations()
    plan = common.bench_plan()
    figures: dict = {"baseline": {}, "with_orgs": {}}
    cpu = common.CpuMeter().start()
    started = time.perf_counter()
    try:
        for executor in executors:
            figures["baseline"][executor] = run_ = _run_migrate(executor)
            _print_run(f"0 orgs, {executor}", run_)

        creation = _create_orgs(args.orgs, args.create_budget, plan, reuse_connection=args.reuse_connection)
        created = len(creation)
        figures["create_orgs"] = c = _creation_figures(creation, args.orgs, args.create_budget)
        print(
            f"  created {created} orgs in {c['total_seconds']} s "
            f"(median {common.fmt_ms(c['per_org_seconds']['median'])}, "
            f"p95 {common.fmt_ms(c['per_org_seconds']['p95'])} each)",
            flush=True,
        )
        print(
            "  per-org creation time by tenth of the run (median): "
            + ", ".join(common.fmt_ms(x) for x in c["median_by_tenth_seconds"]),
            flush=True,
        )
        if created < args.orgs:
            print(
                f"  the creation budget of {args.create_budget:g} s ran out after {created}/{args.orgs} "
                "organizations (raise --create-budget to provision them all)",
                flush=True,
            )
            if args.no_fast_fill:
                figures["fast_fill"] = None
            else:
                slugs = [f"{common.SLUG_PREFIX}f{i:04d}" for i in range(created, args.orgs)]
                figures["fast_fill"] = f = fleet.fill(os.environ["DATABASE_URL"], slugs)
                created += f["count"]
                print(
                    f"  topped up with {f['count']} organizations from a pg_dump replay of the template in "
                    f"{f['total_seconds']} s (median {common.fmt_ms(f['schema_seconds']['median'])} each)",
                    flush=True,
                )
        figures["orgs_migrated"] = created

        for executor in executors:
            runs = []
            for _ in range(args.migrate_repeats):
                runs.append(_run_migrate(executor))
                _print_run(f"{created} orgs, {executor}", runs[-1])
            ok = [r["seconds"] for r in runs if r["returncode"] == 0]
            base = figures["baseline"][executor]
            best = min(ok) if ok else None
            figures["with_orgs"][executor] = {
                "runs": runs,
                "seconds": common.summarize(ok, 3),
                "per_org_ms": (
                    round(1000 * (best - base["seconds"]) / created, 2)
                    if best is not None and base["returncode"] == 0 and created
                    else None
                ),
            }

        if not args.no_trivial_migration:
            with tempfile.TemporaryDirectory(prefix="ls-bench-migrate-") as tmp:
                module = throwaway_app(Path(tmp))
                figures["trivial"] = t = _run_migrate("fleet", settings_module=module, path=tmp)
                _print_run(f"{created} orgs, one new migration", t)
                figures["trivial_then_noop"] = t2 = _run_migrate("fleet", settings_module=module, path=tmp)
                _print_run(f"{created} orgs, it again (no-op)", t2)
                schemas = t["schemas_migrated"] or 1
                t["per_schema_wall_ms"] = round(1000 * t["seconds"] / schemas, 1)
    finally:
        if "trivial" in figures:
            _remove_throwaway()
        figures["machine_cpu_busy_pct"] = cpu.stop()
        figures["elapsed_seconds"] = round(time.perf_counter() - started, 1)
        figures["cleanup"] = common.drop_bench_organizations()

    created = figures.get("orgs_migrated", 0)
    print(f"\n  {'executor':<18}{'0 orgs':>10}{f'{created} orgs':>12}{'per org':>12}")
    for executor in executors:
        w = figures["with_orgs"].get(executor, {})
        base = figures["baseline"][executor]["seconds"]
        median = w.get("seconds", {}).get("median")
        per = w.get("per_org_ms")
        print(
            f"  {executor:<18}{common.fmt_s(base):>10}{common.fmt_s(median):>12}"
            f"{('-' if per is None else f'{per:.1f} ms'):>12}"
        )
    if t := figures.get("trivial"):
        per = t.get("per_schema_seconds") or {}
        print(
            f"  one trivial migration: {common.fmt_s(t['seconds'])} for {t['schemas_migrated']} schemas "
            f"({t['per_schema_wall_ms']} ms each of wall time; {common.fmt_ms(per.get('median'))} median "
            f"inside a worker), {t['schemas_failed']} failed"
        )
    figures["load_average"] = os.getloadavg()
    print(
        f"  machine CPU busy {figures['machine_cpu_busy_pct']}%, load average "
        f"{', '.join(f'{x:.2f}' for x in figures['load_average'])}; dropping {created} orgs took "
        f"{figures['cleanup']['seconds']} s"
    )

    from django.conf import settings

    return common.Result(
        name="migrate",
        argv=argv,
        params={
            "orgs": args.orgs,
            "create_budget_seconds": args.create_budget,
            "fast_fill": not args.no_fast_fill,
            "connection": "one for all" if args.reuse_connection else "a new one for each provisioning",
            "executors": executors,
            "repeats": args.migrate_repeats,
            "multiprocessing_processes": getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2),
            "trivial_migration": None
            if args.no_trivial_migration
            else f"{THROWAWAY_APP}.0001_initial (RunSQL)",
            "schemas_checked": f"public + {settings.TENANT_BASE_SCHEMA} + orgs",
            "measured": "wall time of the subprocess, Python start-up included",
        },
        figures=figures,
        notes=[
            "fleet = the project's migrate_schemas without --executor: one query over every tenant schema's "
            "django_migrations finds the up-to-date ones, the rest are migrated by worker processes.",
            "per_org_ms = (fastest run with the organizations - run without) / organizations.",
        ],
    )
