"""1. Time to provision one organization, `count` in a row per path, as schemas pile up.

Calls the real service (tenants.services.organization_provision: schema, domain, subscription, settings,
first Org Admin and invitation, all in one transaction), a new database connection for each, in three
bursts on the same database, in this order:

- `replay`: the template's rendered DDL replayed (tenants/ddl.py), no spare schema ready;
- `spare`: a spare schema renamed; the `count` spares are made first (timed, as the background refill
  would) and their cost is reported apart;
- `clone_schema`: the former path, django-tenants' clone_schema() function (`compare_count` of them).

For each: p50/p95/p99 and the median of each tenth, so that a slowdown as schemas pile up shows. The
rendering (once per migration state) is timed apart. Every organization is dropped afterwards.
"""

import os
import time

from . import common


def _tenths(values: list[float]) -> list[float]:
    if len(values) < 10:
        return []
    size = len(values) / 10
    return [round(common.percentile(values[int(i * size) : int((i + 1) * size)], 50), 4) for i in range(10)]


def _burst(label: str, count: int, plan, reuse_connection: bool) -> tuple[list[float], list[float]]:
    wall, internal = [], []
    for i in range(count):
        slug = f"{common.SLUG_PREFIX}{label[:3]}-{i:04d}"
        if not reuse_connection:
            common.fresh_connection()
        t0 = time.perf_counter()
        result = common.provision(slug, use_template=True, plan=plan)
        wall.append(time.perf_counter() - t0)
        internal.append(result.seconds)
        assert result.created, slug
        if (i + 1) % 20 == 0 or i + 1 == count:
            print(f"  {label} {i + 1}/{count}: last {common.fmt_ms(wall[-1])}", flush=True)
    return wall, internal


def run(args, argv: list[str], machine: dict) -> common.Result:
    from django.conf import settings
    from django.core.cache import cache

    from tenants import ddl, services, template

    compare = args.compare_count if args.compare_count is not None else min(args.count, 50)
    common.heading(f"provision: {args.count} in a row per path (clone_schema: {compare})")
    common.show_reproduce(argv)
    common.drop_bench_organizations(batch=1)  # 43 tables each: bigger batches run out of lock slots
    plan = common.bench_plan()
    load_before = os.getloadavg()
    timings: dict[str, list[float]] = {}
    internal: dict[str, list[float]] = {}
    cpu = common.CpuMeter().start()
    started = time.perf_counter()
    try:
        ddl.forget_renderings()
        cache.clear()
        t0 = time.perf_counter()
        rendering = ddl.template_ddl(settings.TENANT_BASE_SCHEMA)
        render_seconds = round(time.perf_counter() - t0, 4)
        assert rendering is not None, "the template could not be rendered; see the log"

        timings["replay"], internal["replay"] = _burst("replay", args.count, plan, args.reuse_connection)

        t0 = time.perf_counter()
        refill = ddl.spare_schemas_refill(settings.TENANT_BASE_SCHEMA, target=args.count)
        refill["seconds_per_spare"] = round((time.perf_counter() - t0) / max(refill["created"], 1), 4)
        timings["spare"], internal["spare"] = _burst("spare", args.count, plan, args.reuse_connection)

        original = services.clone_from_template
        services.clone_from_template = template.clone_with_function
        try:
            timings["clone_schema"], internal["clone_schema"] = _burst(
                "clone_schema", compare, plan, args.reuse_connection
            )
        finally:
            services.clone_from_template = original
    finally:
        busy = cpu.stop()
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
        try:
            cleanup = common.drop_bench_organizations(batch=1)
        except Exception as exc:  # the figures matter more; the next run drops what is left
            print(f"  clean-up failed: {exc}", flush=True)
            cleanup = {"seconds": None, "error": str(exc)[:200]}

    figures: dict = {
        mode: {
            "seconds": common.summarize(values),
            "tenth_medians": _tenths(values),
            "service_reported_seconds": common.summarize(internal[mode]),
        }
        for mode, values in timings.items()
    }
    figures["render_seconds"] = render_seconds
    figures["render_statements"] = rendering.statements
    figures["spare_refill"] = refill
    figures["tenant_tables"] = common.tenant_table_count()
    figures["machine_cpu_busy_pct"] = busy
    figures["load_average_before"] = [round(x, 2) for x in load_before]
    figures["load_average_after"] = [round(x, 2) for x in load_after]
    figures["elapsed_seconds"] = round(elapsed, 1)
    figures["cleanup"] = cleanup

    print(
        f"\n  tenant apps: {len(settings.TENANT_APPS)} ({figures['tenant_tables']} tables per schema); "
        f"rendering {rendering.statements} statements once: {common.fmt_ms(render_seconds)}; "
        f"a spare made ahead: {common.fmt_ms(refill['seconds_per_spare'])}"
    )
    print(f"  {'path':<14}{'n':>5}{'p50':>10}{'p95':>10}{'p99':>10}{'max':>10}   median of each tenth")
    for mode in timings:
        s = figures[mode]["seconds"]
        tenths = " ".join(f"{t * 1000:.0f}" for t in figures[mode]["tenth_medians"])
        print(
            f"  {mode:<14}{s['n']:>5}{common.fmt_ms(s['median']):>10}{common.fmt_ms(s['p95']):>10}"
            f"{common.fmt_ms(s['p99']):>10}{common.fmt_ms(s['max']):>10}   {tenths}"
        )
    print(
        f"  load average {' '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.2f}' for x in load_after)} after; machine CPU busy {busy}%; "
        f"clean-up {cleanup['seconds']} s"
    )

    return common.Result(
        name="provision",
        argv=argv,
        params={
            "count_per_mode": args.count,
            "clone_schema_count": compare,
            "order": list(timings),
            "connection": "one for all" if args.reuse_connection else "a new one for each provisioning",
            "tenant_apps": list(settings.TENANT_APPS),
            "plan": plan.code,
            "measured": "wall time of tenants.services.organization_provision(), in-process",
        },
        figures=figures,
        notes=[
            "Invitation e-mail: Celery eager + dummy e-mail backend (no broker round-trip).",
            "spare: the spares were made before the burst (timed as spare_refill); in production the refill "
            "runs in a Celery worker after each provisioning (TENANT_SPARE_SCHEMAS).",
            "clone_schema: the former path, for comparison, on the same database after the other bursts.",
        ],
    )
