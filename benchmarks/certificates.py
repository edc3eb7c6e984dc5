"""Certificate PDFs: how fast they render, how long a bulk issue of 1,000 takes, and how many public
verifications a process answers (issue 13).

    make bench BENCH_ARGS="certificates"                 # 400 renders, a bulk of 1,000, 400 verifications
    make bench BENCH_ARGS="certificates --quick"         # 80 renders, a bulk of 100, 100 verifications
    make bench BENCH_ARGS="certificates --cert-renders 1000 --cert-bulk 2000"

render   apps.certificates.rendering.render_pdf alone, in one process and in two (a process pool, each
         worker warmed first: fonts registered, one certificate drawn), over the four built-in layouts in
         turn (A4 landscape), with learners' names in Latin, Cyrillic, Arabic, Chinese, Korean and Greek, a
         new verify URL and code each time: PDFs per second of wall time. The goal is 50 or more per second
         on 2 cores.
bulk     one organization (slug `bench-cert`, Growth plan: certificates included), a template with a
         signer, a course whose rule names it, `--cert-bulk` learners who completed it; then the issuing
         part's bulk job (apps.certificates.issuing.services.bulk_issue_start, run eagerly as the bench
         settings run Celery: every certificate issued and its PDF rendered and stored in this one process)
         is timed end to end, and every certificate must then be ready. Without the issuing part, the same
         number of PDFs is rendered instead (and the figure says so).
verify   GET /verify/<code> and GET /verify/<uuid hex> through Django's test client on the organization's
         host (in process, no network), each request from its own client address so the per-IP rate limit
         is not what is measured: requests per second and latency; every answer must be 200.

The organization is dropped at the end, whatever happens.
"""

import multiprocessing
import os
import time

from . import common

ORG_SLUG = f"{common.SLUG_PREFIX}cert"
FULL = {"renders": 400, "bulk": 1000, "verify": 400}
QUICK = {"renders": 80, "bulk": 100, "verify": 100}
LAYOUTS = ("classic", "modern", "minimal", "custom")
NAMES = ("Ada Palmer", "Анна Петрова", "محمد عبد الله", "李小龙", "김민준", "Γιώργος Παπαδόπουλος")
GOAL_PER_SECOND = 50


def add_arguments(parser) -> None:
    g = parser.add_argument_group("certificates")
    g.add_argument("--cert-renders", type=int, help="PDFs rendered per measurement (400; quick 80)")
    g.add_argument("--cert-bulk", type=int, help="learners in the bulk issue (1000; quick 100)")
    g.add_argument("--cert-verify", type=int, help="verification requests (400; quick 100)")
    g.add_argument("--cert-processes", type=int, default=2, help="processes for the parallel render (2)")


# --- rendering ---------------------------------------------------------------------------------------------


def _snapshot(layout: str) -> dict:
    return {
        "layout": layout,
        "page_size": "a4",
        "orientation": "landscape",
        "primary_color": "#1d4ed8",
        "accent_color": "#f59e0b",
        "logo": "",
        "signature_image": "",
        "signer_name": "Dana Director",
        "signer_title": "Head of Learning",
        "title_text": "Certificate of completion",
        "body_text": "This certifies that {learner} has completed {course}.",
        "fields": {},
    }


def _render_one(index: int) -> int:
    from apps.certificates.rendering import render_pdf

    pdf = render_pdf(
        _snapshot(LAYOUTS[index % len(LAYOUTS)]),
        {
            "learner": NAMES[index % len(NAMES)],
            "course": "Algebra Foundations",
            "grade": 90 + index % 10,
            "organization": "Bench Academy",
            "issued_on": "2026-03-14",
            "expires_on": "2028-03-14",
        },
        verify_url=f"https://bench-cert.learnstack.test/verify/{index:032x}",
        code=f"{index:010d}BA",
    )
    return len(pdf)


def _warm(_=None) -> None:
    _render_one(0)


def _render_chunk(indexes: range) -> tuple[int, float]:
    """Render `indexes`; (bytes written, CPU seconds this process spent)."""
    cpu = time.process_time()
    size = sum(_render_one(index) for index in indexes)
    return size, time.process_time() - cpu


def _render_serial(count: int) -> dict:
    _warm()
    times = []
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    size = 0
    for index in range(count):
        t = time.perf_counter()
        size += _render_one(index)
        times.append(time.perf_counter() - t)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "count": count,
        "wall_seconds": round(wall, 3),
        "per_second": round(count / wall, 1),
        "cpu_ms_per_pdf": round(1000 * cpu / count, 2),
        "per_cpu_second": round(count / cpu, 1),
        "per_pdf": common.summarize(times),
        "mean_kib": round(size / count / 1024, 1),
        "loadavg_1min_before": load,
    }


def _render_parallel(count: int, processes: int) -> dict:
    from django.db import connections

    connections.close_all()  # no connection shared with the forked workers
    context = multiprocessing.get_context("fork")
    chunks = [range(start, min(start + 8, count)) for start in range(0, count, 8)]
    with context.Pool(processes) as pool:
        pool.map(_warm, range(processes * 2), chunksize=1)  # every worker warmed before the clock starts
        load = os.getloadavg()[0]
        started = time.perf_counter()
        done = pool.map(_render_chunk, chunks, chunksize=1)
        wall = time.perf_counter() - started
    cpu = sum(seconds for _size, seconds in done)
    return {
        "count": count,
        "processes": processes,
        "wall_seconds": round(wall, 3),
        "per_second": round(count / wall, 1),
        "cpu_ms_per_pdf": round(1000 * cpu / count, 2),
        "mean_kib": round(sum(size for size, _seconds in done) / count / 1024, 1),
        "loadavg_1min_before": load,
    }


# --- the organization, the bulk issue, verification ---------------------------------------------------------


def _fixtures(learners: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.certificates.models import CertificateRule
    from apps.certificates.templating import services as templating
    from apps.courses.models import Course, Enrollment

    User = get_user_model()
    common.drop_bench_organizations()
    org = common.provision(ORG_SLUG).organization
    started = time.perf_counter()
    with schema_context(org.schema_name), transaction.atomic():
        User.objects.filter(email=f"admin@{ORG_SLUG}.example.com").update(
            status=User.Status.ACTIVE
        )  # was invited
        admin = User.objects.get(email=f"admin@{ORG_SLUG}.example.com")
        template = templating.template_create(
            actor=admin, name="Bench classic", signer_name="Dana Director", signer_title="Head of Learning"
        )
        course = Course.objects.create(
            title="Algebra Foundations", slug="algebra-foundations", status="published", owner=admin
        )
        CertificateRule.objects.create(course=course, template=template, expiry_months=24, auto_issue=False)
        password = make_password(None)
        users = User.objects.bulk_create(
            User(
                email=f"learner{n}@{ORG_SLUG}.example.com",
                full_name=f"{NAMES[n % len(NAMES)]} {n}",
                password=password,
                status=User.Status.ACTIVE,
            )
            for n in range(learners)
        )
        now = timezone.now()
        Enrollment.objects.bulk_create(
            Enrollment(
                course=course,
                user=user,
                status=Enrollment.Status.COMPLETED,
                completed_at=now,
                progress_percent=100,
            )
            for user in users
        )
    return {
        "organization": org,
        "admin_id": admin.pk,
        "course_id": course.pk,
        "setup_seconds": round(time.perf_counter() - started, 1),
    }


def _bulk(fx: dict, learners: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django_tenants.utils import schema_context

    from apps.certificates.models import BulkJob, Certificate
    from apps.courses.models import Course

    try:
        from apps.certificates.issuing.services import bulk_issue_start
    except ImportError:
        bulk_issue_start = None
    if bulk_issue_start is None:
        started = time.perf_counter()
        for index in range(learners):
            _render_one(index)
        wall = time.perf_counter() - started
        return {"path": "render only (no issuing part)", "count": learners, "wall_seconds": round(wall, 2)}
    with schema_context(fx["organization"].schema_name):
        admin = get_user_model().objects.get(pk=fx["admin_id"])
        course = Course.objects.get(pk=fx["course_id"])
        started = time.perf_counter()
        job = bulk_issue_start(actor=admin, course=course)
        wall = time.perf_counter() - started
        job = BulkJob.objects.get(pk=job.pk)
        states = dict(Certificate.objects.values_list("render_state").annotate(n=Count("pk")).order_by())
    ready = states.get(Certificate.RenderState.READY, 0)
    figures = {
        "path": "issuing.services.bulk_issue_start (eager: issue + render + store, one process)",
        "count": learners,
        "wall_seconds": round(wall, 2),
        "per_second": round(learners / wall, 1) if wall else None,
        "job": {"status": job.status, "total": job.total, "done": job.done, "failed": job.failed},
        "render_states": states,
    }
    if ready != learners:
        raise RuntimeError(
            f"bulk issue left {learners - ready} of {learners} certificates not ready: {figures}"
        )
    return figures


def _verify(fx: dict, count: int) -> dict:
    from django.test import Client
    from django_tenants.utils import schema_context

    from apps.certificates.models import Certificate

    with schema_context(fx["organization"].schema_name):
        pairs = list(Certificate.objects.order_by("pk").values_list("code", "verify_uuid")[:count])
    if not pairs:
        return {"skipped": "no certificates to verify"}
    host = fx["organization"].primary_domain
    client = Client(HTTP_HOST=host)
    results = {}
    for label, key in (("code", lambda p: p[0]), ("uuid", lambda p: p[1].hex)):
        client.get(f"/verify/{key(pairs[0])}", REMOTE_ADDR="127.0.1.1")  # warm
        times, statuses = [], {}
        started = time.perf_counter()
        for index in range(count):
            pair = pairs[index % len(pairs)]
            address = f"127.{1 + index // 65536 % 200}.{index // 256 % 256}.{index % 256 or 1}"
            t = time.perf_counter()
            response = client.get(f"/verify/{key(pair)}", REMOTE_ADDR=address)
            times.append(time.perf_counter() - t)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        wall = time.perf_counter() - started
        results[label] = {
            "requests": count,
            "per_second": round(count / wall, 1),
            "latency": common.summarize(times),
            "statuses": statuses,
        }
        if set(statuses) != {200}:
            raise RuntimeError(f"verify by {label} answered {statuses}")
    return results


def run(args, argv: list[str], machine: dict) -> common.Result:
    defaults = QUICK if args.quick else FULL
    renders = getattr(args, "cert_renders", None) or defaults["renders"]
    bulk = getattr(args, "cert_bulk", None) or defaults["bulk"]
    verify = getattr(args, "cert_verify", None) or defaults["verify"]
    processes = max(1, getattr(args, "cert_processes", None) or 2)
    common.heading(
        f"certificates: {renders} renders x 1 and {processes} processes, bulk {bulk}, verify {verify}"
    )
    common.show_reproduce(argv)
    figures: dict = {}
    figures["render_1"] = _render_serial(renders)
    figures[f"render_{processes}"] = _render_parallel(renders, processes)
    try:
        fx = _fixtures(bulk)
        figures["setup_seconds"] = fx["setup_seconds"]
        figures["bulk"] = _bulk(fx, bulk)
        figures["verify"] = _verify(fx, verify)
    finally:
        figures["cleanup"] = common.drop_bench_organizations()
    one, many = figures["render_1"], figures[f"render_{processes}"]
    rows = [
        (
            "render, CPU time",
            f"{one['cpu_ms_per_pdf']:.1f} ms/PDF",
            f"= {one['per_cpu_second']:.0f} PDF per CPU-second; load average {one['loadavg_1min_before']:.1f} "
            f"on {os.cpu_count()} cores when measured (other work slows the wall-clock figures below)",
        ),
        (
            "render, 1 process",
            f"{one['per_second']:.1f} PDF/s",
            f"p50 {common.fmt_ms(one['per_pdf']['median'])}, "
            f"p95 {common.fmt_ms(one['per_pdf']['p95'])}, {one['mean_kib']} KiB each",
        ),
        (
            f"render, {processes} processes",
            f"{many['per_second']:.1f} PDF/s",
            f"goal >= {GOAL_PER_SECOND}/s: {'met' if many['per_second'] >= GOAL_PER_SECOND else 'NOT met'}",
        ),
    ]
    b = figures["bulk"]
    rows.append((f"bulk issue of {b['count']}", common.fmt_s(b["wall_seconds"]), b["path"]))
    for label, v in figures["verify"].items() if isinstance(figures["verify"], dict) else []:
        if isinstance(v, dict) and "per_second" in v:
            rows.append(
                (
                    f"GET /verify/<{label}>",
                    f"{v['per_second']:.1f} req/s",
                    f"p50 {common.fmt_ms(v['latency']['median'])}, p95 {common.fmt_ms(v['latency']['p95'])}",
                )
            )
    width = max(len(r[0]) for r in rows)
    print()
    print(f"  {'measure'.ljust(width)}  {'result':>14}  notes")
    for name, value, note in rows:
        print(f"  {name.ljust(width)}  {value:>14}  {note}")
    print(flush=True)
    return common.Result(
        name="certificates",
        argv=argv,
        params={"renders": renders, "processes": processes, "bulk": bulk, "verify": verify},
        figures=figures,
        notes=[
            "render: render_pdf only (no database), wall time over all renders after each process was warmed; "
            "one run each, so expect a few per cent from run to run.",
            "bulk: the issuing part's job end to end in this process (Celery eager), each certificate issued, "
            "rendered and stored; in production the renders run in the Celery workers.",
            "verify: Django's test client in process (no HTTP server): the view, its queries and the log row.",
        ],
    )
