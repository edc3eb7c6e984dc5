"""4. Requests per second of the catalog and the lesson player, with 500 courses and 50,000 progress rows
in one organization, under gunicorn on 127.0.0.1.

    make bench BENCH_ARGS="learning"            # 500 courses, 50,000 progress rows
    make bench BENCH_ARGS="learning --quick"    # 50 courses, 5,000 progress rows

Sets up one organization (Enterprise plan, so no course or seat limit) with branches north and south, 20
classes with a teacher each, and learners (50 progress rows each: 5 courses of 10 lessons). The courses are
written with bulk inserts, for speed, but look like the services' own: a category and tags, branches (north,
south or the whole organization, by thirds), 2 modules of 5 lessons (text, video and link) each with one
published version whose Markdown was rendered and sanitized as the services do, learners enrolled with
their roll-up (percentage, completed lessons) matching their item progress. Then gunicorn is started
exactly as in benchmarks/http_load.py and each endpoint gets a warm-up and a measured closed-loop run:

    catalog_api      GET /api/v1/courses?catalog=true&per_page=20          a learner's JWT
    search_api       GET /api/v1/courses?search=<word>&per_page=20         a learner's JWT
    content_api      GET /api/v1/content/{id}                             the lesson, as its learner
    progress_api     PUT /api/v1/content/{id}/progress                     {"time_spent_seconds": n,
                                                                            "position_seconds": m}, one
                                                                            learner per connection
    catalog_page     GET /courses/                                         a learner's session
    lesson_page      GET /courses/{id}/learn/{item_id}/                    a learner's session

The progress writes are idempotent (the same totals every time), so the data does not drift during the
run; each connection writes as a different learner, as real traffic would (one learner's own writes are
serialized on their enrollment row). Gunicorn is stopped and the organization dropped at the end.
"""

import contextlib
import http.client
import itertools
import json
import os
import random
import tempfile
import threading
import time
from pathlib import Path

from . import common, loadgen
from .http_load import Gunicorn

ORG_SLUG = f"{common.SLUG_PREFIX}learning"
ITEMS_PER_MODULE = 5
MODULES_PER_COURSE = 2
COURSES_PER_LEARNER = 5
CLASSES = 20
SEARCH_WORD = "photosynthesis"
TOPICS = [
    "Algebra",
    "Geometry",
    "Statistics",
    "Cells",
    "Ecology",
    "Genetics",
    "Forces",
    "Electricity",
    "Waves",
    "Chemistry",
    "History",
    "Geography",
    "Poetry",
    "Grammar",
    "Programming",
    "Music",
    "Art",
    "Economics",
    "Ethics",
    SEARCH_WORD.title(),
]
LESSON_BODY = """\
# {title}

This lesson introduces **{topic}**: what it is, why it matters, and how to practise it.

## Key ideas

1. Read the examples carefully and try each one before looking at the answer.
2. Note new words in your glossary, with an example of your own.
3. Check your understanding with the questions at the end.

| Term | Meaning |
|---|---|
| Concept | the idea we are studying |
| Example | a case that shows the idea |

> Tip: explain the idea aloud to someone else; teaching is the best test of understanding.

See [the reference](https://example.org/{slug}) for more, and mark the lesson complete when you are done.
"""


def _bulk(model, rows, batch=2000):
    model.objects.bulk_create(rows, batch_size=batch)


def _fixtures(courses: int, progress_rows: int, concurrency: int, seed: int = 4) -> dict:
    """Build the organization and return what the targets need (ids, tokens, session cookies)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.accounts.models import RoleAssignment
    from apps.core.api.authentication import tokens_for_user
    from apps.courses.models import (
        Category,
        ContentItem,
        ContentVersion,
        Course,
        Enrollment,
        ItemProgress,
        Module,
        Tag,
    )
    from apps.courses.rendering import embed_url_for, render_markdown
    from apps.hierarchy.models import Branch, SchoolClass
    from tenants.models import Plan

    rng = random.Random(seed)
    User = get_user_model()
    items_per_course = MODULES_PER_COURSE * ITEMS_PER_MODULE
    learners = max(concurrency, -(-progress_rows // (COURSES_PER_LEARNER * items_per_course)))
    common.drop_bench_organizations()
    plan = Plan.objects.filter(code="enterprise").first() or common.bench_plan()
    org = common.provision(ORG_SLUG, plan=plan).organization
    started = time.perf_counter()
    with schema_context(org.schema_name), transaction.atomic():
        admin = User.objects.get(email=f"admin@{ORG_SLUG}.example.com")
        admin.status = User.Status.ACTIVE
        admin.save(update_fields=["status"])
        branches = [
            Branch.objects.create(code=code, name=f"{code.title()} Campus") for code in ("north", "south")
        ]
        classes = [
            SchoolClass.objects.create(branch=branches[i % 2], name=f"Class {i:02d}", term="2026")
            for i in range(CLASSES)
        ]
        password = make_password(None)  # unusable: the benchmark signs people in with tokens and sessions
        _bulk(
            User,
            [
                User(
                    email=f"teacher{i:02d}@bench.example.com",
                    full_name=f"Teacher {i}",
                    status="active",
                    password=password,
                )
                for i in range(CLASSES)
            ]
            + [
                User(
                    email=f"learner{i:05d}@bench.example.com",
                    full_name=f"Learner {i}",
                    status="active",
                    password=password,
                )
                for i in range(learners)
            ],
        )
        teachers = list(User.objects.filter(email__startswith="teacher").order_by("email"))
        students = list(User.objects.filter(email__startswith="learner").order_by("email"))
        _bulk(
            RoleAssignment,
            [
                RoleAssignment(user=t, role="teacher", branch=c.branch, school_class=c)
                for t, c in zip(teachers, classes, strict=True)
            ]
            + [
                RoleAssignment(
                    user=s,
                    role="student",
                    branch=classes[i % CLASSES].branch,
                    school_class=classes[i % CLASSES],
                )
                for i, s in enumerate(students)
            ],
        )
        categories = [Category.objects.create(name=t, slug=t.lower()) for t in TOPICS[:8]]
        tags = [Tag.objects.create(name=f"{t.lower()}-{n}") for t in TOPICS for n in (1, 2)]

        # Courses: by thirds north, south, the whole organization.
        now = timezone.now()
        course_rows = []
        for i in range(courses):
            topic = TOPICS[i % len(TOPICS)]
            title = f"{topic} {i // len(TOPICS) + 1}: course {i:04d}"
            course_rows.append(
                Course(
                    title=title,
                    slug=f"course-{i:04d}",
                    summary=f"An introduction to {topic.lower()} with worked examples and practice.",
                    description=f"Everything about **{topic}**.",
                    description_html=f"<p>Everything about <strong>{topic}</strong>.</p>",
                    category=categories[i % len(categories)],
                    status=Course.Status.PUBLISHED,
                    owner=teachers[i % CLASSES],
                    estimated_minutes=60,
                    published_at=now,
                )
            )
        _bulk(Course, course_rows)
        course_list = list(Course.objects.order_by("slug"))
        through = Course.branches.through
        _bulk(
            through,
            [
                through(course_id=c.pk, branch_id=branches[i % 3].pk)
                for i, c in enumerate(course_list)
                if i % 3 < 2
            ],
        )
        tag_through = Course.tags.through
        _bulk(
            tag_through,
            [
                tag_through(course_id=c.pk, tag_id=tag.pk)
                for i, c in enumerate(course_list)
                for tag in (tags[2 * (i % len(TOPICS))], tags[2 * (i % len(TOPICS)) + 1])
            ],
        )
        _bulk(
            Module,
            [
                Module(course=c, title=f"Module {m + 1}", description="Read, watch, practise.", position=m)
                for c in course_list
                for m in range(MODULES_PER_COURSE)
            ],
        )
        modules = list(Module.objects.order_by("course_id", "position"))
        kinds = ["text", "text", "video", "text", "link"]
        _bulk(
            ContentItem,
            [
                ContentItem(
                    module=m,
                    course_id=m.course_id,
                    kind=kinds[p],
                    position=p,
                    title=f"Lesson {m.position + 1}.{p + 1}",
                    estimated_minutes=10,
                )
                for m in modules
                for p in range(ITEMS_PER_MODULE)
            ],
        )
        items = list(ContentItem.objects.order_by("course_id", "module__position", "position"))
        html_by_topic = {}
        versions = []
        for item in items:
            topic = TOPICS[item.course_id % len(TOPICS)]
            body = LESSON_BODY.format(title=item.title, topic=topic, slug=topic.lower())
            if topic not in html_by_topic:
                html_by_topic[topic] = render_markdown(body)
            values = {"body": body, "body_html": html_by_topic[topic]}
            if item.kind == "video":
                values.update(
                    video_url="https://www.youtube.com/watch?v=M7lc1UVf-VE",
                    duration_seconds=300,
                    embed_url=embed_url_for("https://www.youtube.com/watch?v=M7lc1UVf-VE"),
                )
            elif item.kind == "link":
                values["url"] = "https://example.org/practice"
            versions.append(
                ContentVersion(item=item, number=1, title=item.title, author=admin, note="Created", **values)
            )
        _bulk(ContentVersion, versions)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE courses_contentitem i SET latest_version_id = v.id, published_version_id = v.id "
                "FROM courses_contentversion v WHERE v.item_id = i.id"
            )

        # Enrollments: each learner in 5 courses open to them, with progress rows on all their lessons.
        items_by_course: dict[int, list[int]] = {}
        for item in items:
            items_by_course.setdefault(item.course_id, []).append(item.pk)
        open_to = {
            branches[0].pk: [c.pk for i, c in enumerate(course_list) if i % 3 in (0, 2)],
            branches[1].pk: [c.pk for i, c in enumerate(course_list) if i % 3 in (1, 2)],
        }
        enrollments, progress, plan_rows = [], [], []
        for n, student in enumerate(students):
            branch_id = classes[n % CLASSES].branch_id
            chosen = rng.sample(open_to[branch_id], min(COURSES_PER_LEARNER, len(open_to[branch_id])))
            for course_id in chosen:
                done = rng.randint(0, items_per_course)
                completed = done == items_per_course
                enrollments.append(
                    Enrollment(
                        course_id=course_id,
                        user=student,
                        source=Enrollment.Source.CLASS,
                        status=Enrollment.Status.COMPLETED if completed else Enrollment.Status.ACTIVE,
                        progress_percent=100 * done // items_per_course,
                        completed_items=done,
                        total_items=items_per_course,
                        last_activity_at=now,
                        completed_at=now if completed else None,
                    )
                )
                for k, item_id in enumerate(items_by_course[course_id]):
                    progress.append(
                        ItemProgress(
                            user=student,
                            item_id=item_id,
                            course_id=course_id,
                            completed_at=now if k < done else None,
                            time_spent_seconds=rng.randint(30, 900),
                            last_position_seconds=rng.randint(0, 300),
                        )
                    )
                plan_rows.append((student, course_id))
        _bulk(Enrollment, enrollments)
        _bulk(ItemProgress, progress, batch=5000)
        counts = {
            "courses": Course.objects.count(),
            "modules": Module.objects.count(),
            "items": ContentItem.objects.count(),
            "versions": ContentVersion.objects.count(),
            "learners": len(students),
            "enrollments": Enrollment.objects.count(),
            "progress_rows": ItemProgress.objects.count(),
        }
    setup_seconds = time.perf_counter() - started
    with schema_context(org.schema_name):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # The learner whose requests are measured, and one more learner per connection for the writes.
        writers = []
        for student, course_id in plan_rows[::COURSES_PER_LEARNER][:concurrency]:
            item_id = items_by_course[course_id][0]
            writers.append({"token": tokens_for_user(student)["access"], "item": item_id})
        reader, course_id = plan_rows[0]
        item_id = items_by_course[course_id][1]
        token = tokens_for_user(reader)["access"]
        client = Client(HTTP_HOST=org.host)
        client.force_login(reader)
        session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connection.set_schema_to_public()
    return {
        "org_host": org.host,
        "token": token,
        "session": session,
        "course_id": course_id,
        "item_id": item_id,
        "writers": writers,
        "counts": counts,
        "setup_seconds": round(setup_seconds, 1),
    }


def _targets(fx: dict) -> list[loadgen.Target]:
    auth = {"Authorization": f"Bearer {fx['token']}"}
    page = {"Cookie": fx["session"], "Accept": "text/html"}
    n = fx["counts"]
    return [
        loadgen.Target(
            "catalog_api",
            "/api/v1/courses?catalog=true&per_page=20",
            fx["org_host"],
            auth,
            description=f"GET /api/v1/courses?catalog=true&per_page=20, learner JWT ({n['courses']} courses)",
        ),
        loadgen.Target(
            "search_api",
            f"/api/v1/courses?search={SEARCH_WORD}&per_page=20",
            fx["org_host"],
            auth,
            description=f"GET /api/v1/courses?search={SEARCH_WORD}&per_page=20, learner JWT",
        ),
        loadgen.Target(
            "content_api",
            f"/api/v1/content/{fx['item_id']}",
            fx["org_host"],
            auth,
            description="GET /api/v1/content/{id}: a lesson with its published version, as its learner",
        ),
        loadgen.Target(
            "catalog_page",
            "/courses/",
            fx["org_host"],
            page,
            description="GET /courses/ (catalog page), learner session",
        ),
        loadgen.Target(
            "lesson_page",
            f"/courses/{fx['course_id']}/learn/{fx['item_id']}/",
            fx["org_host"],
            page,
            description="GET /courses/{id}/learn/{item_id}/ (lesson player page), learner session",
        ),
    ]


def progress_load(port: int, host: str, writers: list[dict], *, duration: float, max_requests: int) -> dict:
    """Closed-loop PUT /api/v1/content/{id}/progress, one connection per learner (len(writers) threads),
    each resending the same totals (idempotent)."""
    tickets = itertools.count()
    deadline = time.perf_counter() + duration
    results: list[dict] = []
    lock = threading.Lock()

    def worker(writer: dict, n: int) -> None:
        body = json.dumps({"time_spent_seconds": 120 + n, "position_seconds": 30 + n}).encode()
        headers = {
            "Host": host,
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Connection": "keep-alive",
            "Authorization": f"Bearer {writer['token']}",
        }
        path = f"/api/v1/content/{writer['item']}/progress"
        latencies, statuses, ok, errors = [], {}, 0, 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=loadgen.CONNECT_TIMEOUT)
        while time.perf_counter() < deadline and next(tickets) < max_requests:
            t0 = time.perf_counter()
            try:
                conn.request("PUT", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=loadgen.CONNECT_TIMEOUT)
            latencies.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                ok += 1
            else:
                errors += 1
        conn.close()
        with lock:
            results.append({"latencies": latencies, "statuses": statuses, "ok": ok, "errors": errors})

    threads = [threading.Thread(target=worker, args=(w, n), daemon=True) for n, w in enumerate(writers)]
    cpu0, t_start = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.perf_counter()) + loadgen.CONNECT_TIMEOUT + 5)
    elapsed = time.perf_counter() - t_start
    statuses: dict = {}
    for r in results:
        for k, v in r["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
    return loadgen._summary(
        [x for r in results for x in r["latencies"]],
        sum(r["ok"] for r in results),
        sum(r["errors"] for r in results),
        statuses,
        elapsed,
        generator="python",
        concurrency=len(writers),
        client_cpu_seconds=round(time.process_time() - cpu0, 2),
    )


def _measure(server: Gunicorn, name: str, description: str, run_load, duration: float, warmup: float) -> dict:
    warm = run_load(warmup)
    if warm["ok"] == 0:
        raise RuntimeError(
            f"{name}: no successful request during warm-up: {warm['statuses']} {server.log_tail()}"
        )
    cpu = common.CpuMeter().start()
    server_cpu0 = server.cpu_seconds()
    result = run_load(duration)
    server_cpu = server.cpu_seconds() - server_cpu0
    result["server_cpu_seconds"] = round(server_cpu, 2)
    result["server_cpu_ms_per_request"] = (
        round(1000 * server_cpu / result["requests"], 2) if result["requests"] else None
    )
    result["machine_cpu_busy_pct"] = cpu.stop()
    result["description"] = description
    lat = result["latency_ms"]
    print(
        f"  {name:<14}{result['rps']:>9} rps   p50 {lat['p50']} ms   p95 {lat['p95']} ms   "
        f"errors {result['errors']}/{result['requests']}",
        flush=True,
    )
    return result


def run(args, argv: list[str], machine: dict) -> common.Result:
    if args.loadgen == "wrk" and not loadgen.wrk_available():
        raise SystemExit("--loadgen wrk: wrk is not installed (apt-get install wrk), or use --loadgen python")
    common.heading(
        f"learning: {args.courses} courses, {args.progress_rows} progress rows; gunicorn {args.workers} "
        f"{args.worker_class} workers, {args.concurrency} connections, {args.duration:g} s per endpoint"
    )
    common.show_reproduce(argv)
    fx = _fixtures(args.courses, args.progress_rows, args.concurrency)
    print(f"  data: {fx['counts']} in {fx['setup_seconds']} s", flush=True)
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    server = Gunicorn(workers=args.workers, worker_class=args.worker_class, log_path=log)
    figures: dict = {"data": fx["counts"], "setup_seconds": fx["setup_seconds"], "endpoints": {}}
    try:
        figures["gunicorn_startup_seconds"] = round(server.start(fx["org_host"]), 2)
        for target in _targets(fx):

            def get_load(seconds, target=target):
                if args.loadgen == "wrk":
                    return loadgen.wrk_load(
                        server.port, target, duration=seconds, concurrency=args.concurrency
                    )
                return loadgen.python_load(
                    server.port,
                    target,
                    duration=seconds,
                    max_requests=args.max_requests,
                    concurrency=args.concurrency,
                )

            result = _measure(server, target.name, target.description, get_load, args.duration, args.warmup)
            result["path"] = target.path
            figures["endpoints"][target.name] = result

        def put_load(seconds):
            return progress_load(
                server.port, fx["org_host"], fx["writers"], duration=seconds, max_requests=args.max_requests
            )

        figures["endpoints"]["progress_api"] = _measure(
            server,
            "progress_api",
            f'PUT /api/v1/content/{{id}}/progress {{"time_spent_seconds", "position_seconds"}}, '
            f"{len(fx['writers'])} learners (one per connection), python generator",
            put_load,
            args.duration,
            args.warmup,
        )
    finally:
        server.stop()
        figures["cleanup"] = common.drop_bench_organizations()
        with contextlib.suppress(OSError):
            log.unlink()

    print(f"\n  {'endpoint':<14}{'rps':>9}{'p50 ms':>10}{'p95 ms':>10}{'errors':>9}{'requests':>10}")
    for name, r in figures["endpoints"].items():
        lat = r["latency_ms"]
        print(f"  {name:<14}{r['rps']:>9}{lat['p50']:>10}{lat['p95']:>10}{r['errors']:>9}{r['requests']:>10}")
    return common.Result(
        name="learning",
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
            "courses": args.courses,
            "progress_rows": args.progress_rows,
            "cache": "redis" if os.environ.get("REDIS_URL") else "per-process memory (no REDIS_URL)",
        },
        figures=figures,
        notes=[
            "Courses, lessons, enrollments and progress are bulk-inserted (rows as the services write them).",
            "The PUT endpoint always uses the python generator, one learner per connection.",
            "Client and server share the machine's cores; gunicorn sync workers close each connection.",
        ],
    )
