"""Profile one or more rows of the cost table in a loop (issue 11): where a request spends its time.

    .venv/bin/python scripts/devdb.py exec -- .venv/bin/python -m benchmarks.cost_profile courses [n] [role]
    ... -m benchmarks.cost_profile courses,content 300 student --sort tottime

Fills the same organization as `make bench BENCH_ARGS=cost` (benchmarks/cost_fill.py), warms each target
up, then runs it `n` times (200) under cProfile and prints the top functions by cumulative time (or
`--sort tottime`), with the median ms per request of an unprofiled pass and of both floors beside it.
"""

import argparse
import cProfile
import pstats
import statistics
import time


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.cost_profile")
    p.add_argument("names", help="comma-separated cost row names (exact), e.g. courses,content")
    p.add_argument("n", nargs="?", type=int, default=200)
    p.add_argument("role", nargs="?", default="admin", choices=["admin", "student"])
    p.add_argument("--sort", default="cumulative")
    p.add_argument("--top", type=int, default=45)
    p.add_argument("--no-profile", action="store_true", help="only the timings")
    p.add_argument("--sql", action="store_true", help="print each target's queries")
    p.add_argument("--callers", help="also print who calls the functions matching this pattern (pstats)")
    p.add_argument("--snippet", help="a Python file run with `fx` and `targets` (a quick experiment)")
    args = p.parse_args(argv)

    from . import common

    common.ensure_bench_database()
    common.setup_django()
    common.migrate_bench_database()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)
    from . import cost

    fx = cost._fixtures(60)
    floor_a, floor_b, targets = cost._targets(fx)
    wanted = {name.strip() for name in args.names.split(",")}
    chosen = [t for t in targets if t.name in wanted and t.role == args.role]
    if not chosen:
        raise SystemExit(f"no target named {args.names} for {args.role}")
    try:
        for t in [floor_a, floor_b, *chosen]:
            for _ in range(20):
                status = t.call()
            assert status == t.expect, (t.key, status)
            t.queries = cost._count_queries(t)

        if args.sql:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            for t in chosen:
                with CaptureQueriesContext(connection) as captured:
                    t.call()
                print(f"--- {t.key}")
                for q in captured:
                    print(f"  {q['sql'][:600]}")
        if args.snippet:
            with open(args.snippet) as source:
                exec(source.read(), {"fx": fx, "targets": chosen, "floor_a": floor_a})

        # Interleaved, so that whatever else the machine does hits the floors and the targets alike.
        n = max(50, args.n // 2)
        wall: dict = {t.key: [] for t in [floor_a, floor_b, *chosen]}
        cpu: dict = {t.key: [] for t in [floor_a, floor_b, *chosen]}
        for _ in range(n):
            for t in [floor_a, floor_b, *chosen]:
                t0, c0 = time.perf_counter(), time.process_time()
                t.call()
                wall[t.key].append(time.perf_counter() - t0)
                cpu[t.key].append(time.process_time() - c0)

        def ms(values):
            return 1000 * statistics.median(values)

        fa, fb = ms(wall[floor_a.key]), ms(wall[floor_b.key])
        ca, cb = ms(cpu[floor_a.key]), ms(cpu[floor_b.key])
        print(f"floor a {fa:.2f} ms (cpu {ca:.2f}, {floor_a.queries} q), floor b {fb:.2f} ms (cpu {cb:.2f})")
        for t in chosen:
            w, c = ms(wall[t.key]), ms(cpu[t.key])
            floor, floor_cpu = (fa, ca) if t.kind == "list" else (fb, cb)
            print(
                f"{t.key:<34} {w:7.2f} ms  cpu {c:6.2f}  {t.queries} queries  ratio {floor / w:.2f}  "
                f"cpu ratio {floor_cpu / c:.2f}  {t.url}"
            )
        if not args.no_profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for t in chosen:
                for _ in range(args.n):
                    t.call()
            profiler.disable()
            stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
            stats.print_stats(args.top)
            if args.callers:
                stats.print_callers(args.callers)
    finally:
        common.drop_bench_organizations()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
