"""5. What each organization endpoint and page costs next to two floors, in one process (issue 11).

    make bench BENCH_ARGS="cost"                 # 60 rows of everything, 30 rounds
    make bench BENCH_ARGS="cost --quick"         # 10 rounds
    make bench BENCH_ARGS="cost --repeats 50"
    make bench BENCH_ARGS="cost --cost-only courses,catalog"   # rows whose name contains one of these

In-process, no network, with the bench settings (DEBUG off, the real middleware): one organization is
filled by benchmarks/cost_fill.py (`--cost-rows` of every listed object, 60 by default) and every row of
benchmarks/cost_table.py is requested through Django's full WSGI handler (the test Client), as the Org
Admin (JWT for the API, a session for pages) and, where the row says so, as a student, each list at
per_page=20. Beside them, in the same rounds, two floors:

    floor a   a bare DRF ListAPIView of the same first 20 course rows, a plain ModelSerializer (the course's
              own columns), page-number pagination, no authentication, no middleware: the view called
              directly with APIRequestFactory inside the organization's schema
    floor b   the whole middleware stack on an unknown /api/v1/ path (the JSON 404 envelope), Org Admin JWT

Every round requests each floor several times and every target once, in a shuffled order, so that whatever
else the machine is doing hits all of them alike; each figure is the median over the rounds. Queries per
request are counted in a separate, untimed pass, and each row's own SQL time is measured in another. The
ratio is floor ÷ endpoint: floor a for lists, floor b for details, /auth/me and pages; b+sql is (floor b +
the endpoint's own SQL time) ÷ endpoint. Goals (issue 11): lists floor a ÷ ms ≥ 0.5 with ≤ 5 queries;
details "≥ 0.8 of the middleware floor plus their own query", so b+sql ≥ 0.8 (the query is the endpoint's
own work, not overhead); pages have none yet. A row that misses its goal is marked MISS (the run still
succeeds: it is a measurement).

Before anything, the table is checked against the tenant URLconf: a GET route without a row or an
exemption stops the run, naming it (tests/benchmarks/test_cost_table.py checks the same in the suite).
"""

import logging
import random
import statistics
import time
import warnings

from . import common, cost_fill, cost_table

ORG_SLUG = f"{common.SLUG_PREFIX}cost"
FLOOR_B_PATH = "/api/v1/cost-floor-unknown-path"
FLOORS_PER_ROUND = 6
PER_PAGE = 20


def check_table() -> None:
    missing, dead = cost_table.uncovered(), cost_table.dead_rows()
    if missing or dead:
        lines = ["benchmarks/cost_table.py does not match the tenant URLconf:"]
        lines += [f"  GET route without a cost row or an exemption: {route}" for route in missing]
        lines += [f"  row whose path resolves to no route: {name}" for name in dead]
        raise SystemExit("\n".join(lines))


def _floor_a_view():
    from rest_framework import serializers
    from rest_framework.generics import ListAPIView
    from rest_framework.pagination import PageNumberPagination
    from rest_framework.permissions import AllowAny
    from rest_framework.renderers import JSONRenderer

    from apps.courses.models import Course

    class FloorSerializer(serializers.ModelSerializer):
        class Meta:
            model = Course
            fields = [f.name for f in Course._meta.concrete_fields]

    class FloorPagination(PageNumberPagination):
        page_size = 20

    class FloorView(ListAPIView):
        queryset = Course.objects.order_by("pk")
        serializer_class = FloorSerializer
        pagination_class = FloorPagination
        authentication_classes = ()
        permission_classes = (AllowAny,)
        throttle_classes = ()
        renderer_classes = (JSONRenderer,)

    return FloorView.as_view()


def _fixtures(rows: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from apps.core.api.authentication import tokens_for_user
    from tenants.models import Plan

    User = get_user_model()
    common.drop_bench_organizations()
    plan = Plan.objects.filter(code="enterprise").first() or common.bench_plan()
    org = common.provision(ORG_SLUG, plan=plan).organization
    started = time.perf_counter()
    with schema_context(org.schema_name):
        admin = User.objects.get(email=f"admin@{ORG_SLUG}.example.com")
        admin.status = User.Status.ACTIVE
        admin.save(update_fields=["status"])
        targets = cost_fill.fill(rows, "a", admin=admin)
        student = User.objects.get(pk=targets["student_id"])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        viewers = {}
        for role, user in (("admin", admin), ("student", student)):
            browser = Client(HTTP_HOST=org.host)
            browser.force_login(user)
            viewers[role] = {
                "api": Client(
                    HTTP_HOST=org.host, HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}"
                ),
                "page": browser,
            }
    connection.set_schema_to_public()
    return {
        "org": org,
        "targets": targets,
        "viewers": viewers,
        "setup_seconds": round(time.perf_counter() - started, 1),
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


class Target:
    def __init__(self, name, role, kind, url, call, expect=200, row=None):
        self.name, self.role, self.kind, self.url, self.call, self.expect, self.row = (
            name,
            role,
            kind,
            url,
            call,
            expect,
            row,
        )
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.queries: int | None = None
        self.sql_ms: float | None = None

    @property
    def key(self) -> str:
        return self.name if self.role is None else f"{self.name} [{self.role}]"

    def once(self) -> int:
        t0, c0 = time.perf_counter(), time.process_time()
        status = self.call()
        self.wall.append(time.perf_counter() - t0)
        self.cpu.append(time.process_time() - c0)
        return status


def _targets(fx: dict) -> tuple[Target, Target, list[Target]]:
    from django.db import connection
    from rest_framework.test import APIRequestFactory

    org, targets, viewers = fx["org"], fx["targets"], fx["viewers"]
    view = _floor_a_view()
    factory = APIRequestFactory()

    def floor_a():
        connection.set_tenant(org)
        response = view(factory.get("/floor-a/", HTTP_HOST=org.host))
        response.render()
        return response.status_code

    admin_api = viewers["admin"]["api"]
    floor_a_t = Target("floor a: bare DRF list of 20 courses", None, "floor", "(direct view call)", floor_a)
    floor_b_t = Target(
        "floor b: middleware + 404 envelope",
        None,
        "floor",
        FLOOR_B_PATH,
        lambda: admin_api.get(FLOOR_B_PATH, HTTP_ACCEPT="application/json").status_code,
        expect=404,
    )
    rows = []
    for row in cost_table.ROWS:
        url = row.url(targets, PER_PAGE)
        for role in ("admin", "student") if row.student else ("admin",):
            if row.kind == "page":
                client = viewers[role]["page"]

                def call(client=client, url=url):
                    return client.get(url, HTTP_ACCEPT="text/html").status_code
            else:
                client = viewers[role]["api"]

                def call(client=client, url=url):
                    return client.get(url, HTTP_ACCEPT="application/json").status_code

            rows.append(Target(row.name, role, row.kind, url, call, row=row))
    return floor_a_t, floor_b_t, rows


def _listed(fx: dict, t: Target) -> int:
    """How many rows a list answered (its envelope's `data`)."""
    response = fx["viewers"][t.role]["api"].get(t.url, HTTP_ACCEPT="application/json")
    return len(response.json()["data"])


def _count_queries(target: Target) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        target.call()
    return len(captured)


def _sql_seconds(target: Target, times: int = 3) -> float:
    """Median time one request spends executing SQL (round trips included), measured untimed."""
    from django.db import connection

    spent: list[float] = []

    def timer(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[-1] += time.perf_counter() - t0

    with connection.execute_wrapper(timer):
        for _ in range(times):
            spent.append(0.0)
            target.call()
    return statistics.median(spent)


def _median_ms(values: list[float]) -> float:
    return round(1000 * statistics.median(values), 2)


def run(args, argv: list[str], machine: dict) -> common.Result:
    repeats = getattr(args, "repeats", None) or (10 if args.quick else 30)
    rows = getattr(args, "cost_rows", None) or 60
    common.heading(
        f"cost: {len(cost_table.ROWS)} rows of benchmarks/cost_table.py, {rows} rows of data, {repeats} rounds"
    )
    common.show_reproduce(argv)
    check_table()
    # Every floor b request is a 404 that django.request would log as a warning: hundreds of lines.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    fx = _fixtures(rows)
    print(f"  data: {rows} of every listed object, filled in {fx['setup_seconds']} s", flush=True)
    floor_a, floor_b, targets = _targets(fx)
    if only := getattr(args, "cost_only", None):
        wanted = [w.strip() for w in only.split(",") if w.strip()]
        targets = [t for t in targets if any(w in t.name for w in wanted)]
        if not targets:
            raise SystemExit(f"--cost-only {only}: no row of benchmarks/cost_table.py matches")
    figures: dict = {"endpoints": {}}
    try:
        # Warm-up (caches, first-use imports) and the status check: every row must answer as expected.
        wrong = []
        for t in [floor_a, floor_b, *targets]:
            for _ in range(2):
                status = t.call()
            if status != t.expect:
                wrong.append(f"  {t.key} GET {t.url}: {status} (expected {t.expect})")
            elif t.kind == "list" and t.row.grows and (n := _listed(fx, t)) != PER_PAGE:
                wrong.append(f"  {t.key} GET {t.url}: {n} rows listed, expected a full page of {PER_PAGE}")
        if wrong:
            raise RuntimeError("cost: rows that do not answer as expected:\n" + "\n".join(wrong))
        for t in [floor_a, floor_b, *targets]:
            t.queries = _count_queries(t)
            t.sql_ms = round(1000 * _sql_seconds(t), 2)

        cpu = common.CpuMeter().start()
        rng = random.Random(11)
        started = time.perf_counter()
        chunk = max(1, len(targets) // FLOORS_PER_ROUND)
        for _ in range(repeats):
            order = targets[:]
            rng.shuffle(order)
            for i in range(0, len(order), chunk):
                floor_a.once()
                floor_b.once()
                for t in order[i : i + chunk]:
                    t.once()
        figures["measure_seconds"] = round(time.perf_counter() - started, 1)
        figures["machine_cpu_busy_pct"] = cpu.stop()

        fa, fb = _median_ms(floor_a.wall), _median_ms(floor_b.wall)
        figures["floors"] = {
            "a": {
                "description": floor_a.name,
                "ms": fa,
                "cpu_ms": _median_ms(floor_a.cpu),
                "sql_ms": floor_a.sql_ms,
                "queries": floor_a.queries,
                "n": len(floor_a.wall),
            },
            "b": {
                "description": floor_b.name,
                "path": FLOOR_B_PATH,
                "ms": fb,
                "cpu_ms": _median_ms(floor_b.cpu),
                "sql_ms": floor_b.sql_ms,
                "queries": floor_b.queries,
                "n": len(floor_b.wall),
            },
        }
        misses = []
        for t in targets:
            ms, cpu_ms = _median_ms(t.wall), _median_ms(t.cpu)
            floor = fa if t.kind == "list" else fb
            floor_cpu = figures["floors"]["a" if t.kind == "list" else "b"]["cpu_ms"]
            ratio = round(floor / ms, 2) if ms else None
            # The wording for details: the middleware floor plus the endpoint's own SQL.
            b_plus_sql = round((fb + t.sql_ms) / ms, 2) if ms and t.kind != "list" else None
            goal = None
            if t.kind == "list":
                goal = ratio >= cost_table.GOAL_LIST_RATIO and t.queries <= cost_table.GOAL_LIST_QUERIES
            elif t.kind == "detail":
                goal = b_plus_sql is not None and b_plus_sql >= cost_table.GOAL_DETAIL_RATIO
            if goal is False:
                misses.append(t.key)
            figures["endpoints"][t.key] = {
                "name": t.name,
                "role": t.role,
                "kind": t.kind,
                "path": t.url,
                "ms": ms,
                "cpu_ms": cpu_ms,
                "sql_ms": t.sql_ms,
                "p90_ms": round(1000 * common.percentile(t.wall, 90), 2),
                "queries": t.queries,
                "floor": "a" if t.kind == "list" else "b",
                "ratio": ratio,
                "cpu_ratio": round(floor_cpu / cpu_ms, 2) if cpu_ms else None,
                "b_plus_sql_ratio": b_plus_sql,
                "meets_goal": goal,
            }
        figures["misses"] = misses
    finally:
        figures["cleanup"] = common.drop_bench_organizations()

    print(
        f"\n  floor a (bare DRF list, 20 courses, no middleware): {fa:.2f} ms, {floor_a.queries} queries"
        f"\n  floor b (middleware + JSON 404 on {FLOOR_B_PATH}): {fb:.2f} ms, {floor_b.queries} queries"
        f"\n  goals: list floor a ÷ ms ≥ {cost_table.GOAL_LIST_RATIO} with ≤ {cost_table.GOAL_LIST_QUERIES} "
        f"queries; detail (floor b + its sql ms) ÷ ms ≥ {cost_table.GOAL_DETAIL_RATIO} (b+sql); pages against "
        "floor b, no goal\n"
    )
    print(
        f"  {'endpoint':<34}{'kind':<8}{'ms':>8}{'cpu ms':>8}{'sql ms':>8}{'queries':>8}{'ratio':>8}"
        f"{'cpu':>7}{'b+sql':>7}  goal"
    )
    for key, r in figures["endpoints"].items():
        mark = {True: "ok", False: "MISS", None: "-"}[r["meets_goal"]]
        b_sql = "" if r["b_plus_sql_ratio"] is None else f"{r['b_plus_sql_ratio']:.2f}"
        print(
            f"  {key:<34}{r['kind']:<8}{r['ms']:>8.2f}{r['cpu_ms']:>8.2f}{r['sql_ms']:>8.2f}{r['queries']:>8}"
            f"{r['ratio']:>7.2f}{r['floor']}{r['cpu_ratio']:>7.2f}{b_sql:>7}  {mark}"
        )
    print(
        "  ratio = floor ÷ endpoint on wall ms (a: lists, b: the rest); cpu = the same on this process's CPU ms;"
        "\n  b+sql = (floor b + the endpoint's own SQL time) ÷ endpoint: the goal mark of details (issue 11's"
        '\n  "≥ 0.8 of the middleware floor plus their own query"); lists are marked on ratio and queries'
    )
    print(
        f"\n  {len(misses)} of {sum(1 for r in figures['endpoints'].values() if r['meets_goal'] is not None)} "
        f"list/detail measurements miss the goal; measured in {figures['measure_seconds']} s, machine CPU "
        f"{figures['machine_cpu_busy_pct']}% busy",
        flush=True,
    )
    return common.Result(
        name="cost",
        argv=argv,
        params={
            "repeats": repeats,
            "rows_per_object": rows,
            "per_page": PER_PAGE,
            "floors_per_round": FLOORS_PER_ROUND,
            "only": getattr(args, "cost_only", None),
            "settings": common.SETTINGS_MODULE,
            "client": "django.test.Client through the full WSGI handler, in-process",
        },
        figures=figures,
        notes=[
            "ms and cpu ms are medians over the rounds; cpu ms is this process's CPU (PostgreSQL's is not in it).",
            "ratio = floor ÷ endpoint: floor a for lists, floor b for details, /auth/me and pages.",
            "b_plus_sql_ratio = (floor b + the endpoint's own SQL ms) ÷ endpoint; meets_goal of a detail row is "
            "b_plus_sql_ratio ≥ GOAL_DETAIL_RATIO, of a list row ratio ≥ GOAL_LIST_RATIO with ≤ "
            "GOAL_LIST_QUERIES queries.",
            "Queries are counted once per row in an untimed pass.",
        ],
    )
