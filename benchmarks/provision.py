"""1. Time to provision one organization: template clone vs. plain migrations.

Calls the real service (tenants.services.organization_provision: schema, domain, subscription, settings,
first Org Admin and invitation, all in one transaction) `count` times per mode, the two modes interleaved
(A B, B A, A B, ...) so that background load hits both alike. One warm-up per mode is left out of the
figures. Every organization is dropped afterwards.
"""

import time

from . import common


def run(args, argv: list[str], machine: dict) -> common.Result:
    from django.conf import settings

    common.heading(f"provision: {args.count} organizations per mode")
    common.show_reproduce(argv)
    common.drop_bench_organizations()
    plan = common.bench_plan()
    modes = {"template": True, "migrations": False}
    timings: dict[str, list[float]] = {mode: [] for mode in modes}
    internal: dict[str, list[float]] = {mode: [] for mode in modes}
    warmup: dict[str, float] = {}
    cpu = common.CpuMeter().start()
    started = time.perf_counter()
    try:
        for mode, use_template in modes.items():
            if not args.reuse_connection:
                common.fresh_connection()
            t0 = time.perf_counter()
            common.provision(f"{common.SLUG_PREFIX}warm-{mode}", use_template=use_template, plan=plan)
            warmup[mode] = round(time.perf_counter() - t0, 4)
        for i in range(args.count):
            order = list(modes) if i % 2 == 0 else list(reversed(modes))
            for mode in order:
                slug = f"{common.SLUG_PREFIX}{mode[:3]}-{i:03d}"
                if not args.reuse_connection:
                    common.fresh_connection()
                t0 = time.perf_counter()
                result = common.provision(slug, use_template=modes[mode], plan=plan)
                timings[mode].append(time.perf_counter() - t0)
                internal[mode].append(result.seconds)
                assert result.created, slug
            print(
                f"  {i + 1}/{args.count}: template {common.fmt_ms(timings['template'][-1])}, "
                f"migrations {common.fmt_ms(timings['migrations'][-1])}",
                flush=True,
            )
    finally:
        busy = cpu.stop()
        elapsed = time.perf_counter() - started
        cleanup = common.drop_bench_organizations()

    figures = {
        mode: {
            "seconds": common.summarize(values),
            "service_reported_seconds": common.summarize(internal[mode]),
            "warmup_seconds": warmup.get(mode),
        }
        for mode, values in timings.items()
    }
    t_med, m_med = figures["template"]["seconds"]["median"], figures["migrations"]["seconds"]["median"]
    figures["speedup_median"] = round(m_med / t_med, 1) if t_med else None
    figures["tenant_tables"] = common.tenant_table_count()
    figures["machine_cpu_busy_pct"] = busy
    figures["elapsed_seconds"] = round(elapsed, 1)
    figures["cleanup"] = cleanup

    print(
        f"\n  tenant apps: {', '.join(settings.TENANT_APPS)} ({figures['tenant_tables']} tables per schema)"
    )
    print(f"  {'mode':<12}{'n':>4}{'median':>12}{'p95':>12}{'min':>12}{'max':>12}")
    for mode in modes:
        s = figures[mode]["seconds"]
        print(
            f"  {mode:<12}{s['n']:>4}{common.fmt_ms(s['median']):>12}{common.fmt_ms(s['p95']):>12}"
            f"{common.fmt_ms(s['min']):>12}{common.fmt_ms(s['max']):>12}"
        )
    print(
        f"  template clone is {figures['speedup_median']}x faster (median); machine CPU busy {busy}%; "
        f"clean-up {cleanup['seconds']} s"
    )

    return common.Result(
        name="provision",
        argv=argv,
        params={
            "count_per_mode": args.count,
            "warmup_per_mode": 1,
            "interleaved": True,
            "connection": "one for all" if args.reuse_connection else "a new one for each provisioning",
            "tenant_apps": list(settings.TENANT_APPS),
            "plan": plan.code,
            "measured": "wall time of tenants.services.organization_provision(), in-process",
        },
        figures=figures,
        notes=[
            "Invitation e-mail: Celery eager + dummy e-mail backend (no broker round-trip).",
            "Template mode clones tenant_template with the clone_schema() SQL function installed by migrate_schemas (schema + data).",
        ],
    )
