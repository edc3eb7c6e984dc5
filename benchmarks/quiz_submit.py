"""Learners taking and submitting a quiz at the same time through the API, under gunicorn (issue 12).

    make bench BENCH_ARGS="quiz-submit"                       # 200 learners, a 20-question quiz
    make bench BENCH_ARGS="quiz-submit --quick"               # 20 learners
    make bench BENCH_ARGS="quiz-submit --learners 50 --workers 4"

One organization (slug `bench-quiz`, Enterprise plan) with a branch, a class and `--learners` students (each
with a JWT, as a mobile app signs in), a course written by the services its editors call: the Org Admin
creates it, a module, a bank category, `--quiz-questions` questions of the seven automatically graded types
in turn (single choice, multiple response with a negative option, true/false, short answer with a wildcard,
numeric with a tolerance and units, matching with a distractor, ordering) through the bank's
question_create (validated by each type), a quiz (30-minute time limit, `--quiz-per-page` questions a page,
shuffled options) with one slot each, publishes the course and assigns it to every learner.

Then gunicorn starts exactly as in benchmarks/http_load.py and one client thread per learner, its own
connection, all released together, does what a mobile app does:

    start    POST /api/v1/assessments/{id}/attempts                 -> 201, the attempt and its pages
    page     GET  /api/v1/attempts/{id}/pages/{n}  (every page, 0-based)
    save     POST /api/v1/attempts/{id}/answers    {"responses": {slot: answer}, "page": last}
             (every question answered from what the page showed: options picked at random, seeded per
             learner, so the grades spread as a class's do)
    submit   POST /api/v1/attempts/{id}/submit     {} -- after a second barrier: every learner submits at once

Figures: submits per second (learners / the time from the release of the submit barrier to the last
answer), p50/p95/p99/max latency of each call, gunicorn's CPU per submit, and errors: any answer other than
2xx (or a failed connection) is an error, reported with its body, and fails the run. Afterwards the
database must show every attempt finished and graded (a grade, nothing waiting for a teacher), every
question graded right, partial or wrong, the marks adding up to the attempt's, one grade row and one
`assessment.submitted` event per learner; any miss fails the run too. The organization is dropped at the
end, whatever happens.

The bench settings run Celery eagerly; here gunicorn's workers queue what a submit sends to Celery (the
event's dispatch to its subscribers, the debounced statistics recomputation) to the in-memory broker nobody
reads, as they would to a real broker, and the benchmark then does that work itself, timed on its own
(`background`: every pending event dispatched, the quiz's statistics recomputed once, as the debounced task
does). `--quiz-inline-tasks` keeps Celery eager, so that work runs inside each submit request instead.
"""

import contextlib
import http.client
import json
import os
import random
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

from . import common, loadgen
from .http_load import Gunicorn

ORG_SLUG = f"{common.SLUG_PREFIX}quiz"
FULL = {"learners": 200}
QUICK = {"learners": 20}
CLIENT_TIMEOUT = 300.0  # seconds: a burst of 200 queued on 2 workers must not time out on the client
BARRIER_TIMEOUT = 1800.0  # seconds the first learner done answering may wait for the last one
CALLS = ("start", "page", "save", "submit")
QTYPES = ("choice", "multiple", "truefalse", "shortanswer", "numeric", "matching", "ordering")


def add_arguments(parser) -> None:
    g = parser.add_argument_group("quiz-submit (also takes --workers and --worker-class)")
    g.add_argument("--learners", type=int, help="learners taking the quiz at once (200; quick 20)")
    g.add_argument("--quiz-questions", type=int, default=20, help="questions in the quiz (20)")
    g.add_argument("--quiz-per-page", type=int, default=5, help="questions per page (5)")
    g.add_argument(
        "--quiz-warmup", type=int, default=4, help="more learners taking the quiz first, unmeasured (4)"
    )
    g.add_argument(
        "--quiz-inline-tasks",
        action="store_true",
        help="run what a submit queues (event dispatch, statistics) inside the request, Celery eager as the "
        "bench settings say (default: queued, as with a broker, and timed afterwards on its own)",
    )


# --- the quiz --------------------------------------------------------------------------------------------


def _question(n: int) -> dict:
    """Question n (0-based) of the quiz: the seven automatically graded types in turn."""
    qtype = QTYPES[n % len(QTYPES)]
    data = {
        "choice": {
            "options": [
                {"id": "a", "text": "<p>Paris</p>", "fraction": 1.0, "feedback": "<p>Yes.</p>"},
                {"id": "b", "text": "<p>Lyon</p>", "fraction": 0.0, "feedback": "<p>No.</p>"},
                {"id": "c", "text": "<p>Marseille</p>", "fraction": 0.0, "feedback": ""},
                {"id": "d", "text": "<p>Nice</p>", "fraction": 0.0, "feedback": ""},
            ],
            "shuffle": True,
        },
        "multiple": {
            "options": [
                {"id": "a", "text": "<p>2</p>", "fraction": 0.5, "feedback": ""},
                {"id": "b", "text": "<p>3</p>", "fraction": 0.5, "feedback": ""},
                {"id": "c", "text": "<p>4</p>", "fraction": -0.5, "feedback": "<p>4 = 2 x 2.</p>"},
                {"id": "d", "text": "<p>9</p>", "fraction": -0.5, "feedback": ""},
            ],
            "shuffle": True,
        },
        "truefalse": {"correct": n % 2 == 0, "feedback_true": "", "feedback_false": ""},
        "shortanswer": {
            "answers": [
                {"text": "Paris", "fraction": 1.0, "feedback": ""},
                {"text": "Par*", "fraction": 0.5, "feedback": "<p>Check the spelling.</p>"},
            ],
            "case_sensitive": False,
        },
        "numeric": {
            "answers": [
                {"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": ""},
                {"value": 3.0, "tolerance": 0.2, "fraction": 0.5, "feedback": "<p>Closer.</p>"},
            ],
            "units": [{"unit": "m", "multiplier": 1.0}, {"unit": "cm", "multiplier": 100.0}],
            "unit_required": False,
        },
        "matching": {
            "pairs": [
                {"id": "p1", "prompt": "<p>Cat</p>", "answer": "Meow"},
                {"id": "p2", "prompt": "<p>Dog</p>", "answer": "Woof"},
                {"id": "p3", "prompt": "<p>Cow</p>", "answer": "Moo"},
            ],
            "distractors": ["Quack"],
            "shuffle": True,
        },
        "ordering": {
            "items": [{"id": f"i{k}", "text": f"Step {k}"} for k in range(1, 5)],
            "scoring": "positions" if n % 2 else "subset",
        },
    }[qtype]
    return {
        "qtype": qtype,
        "name": f"Q{n + 1:02d} {qtype}",
        "text": f"<p>Question {n + 1} ({qtype}).</p>",
        "default_mark": 2 if qtype in ("matching", "ordering") else 1,
        "data": data,
    }


def _answer(question: dict, rng: random.Random):
    """What a learner answers to a question as the page shows it (the learner view: no right answer)."""
    view = question.get("view") or {}
    qtype = question["qtype"]
    if qtype == "choice":
        return {"choice": rng.choice(view["options"])["id"]}
    if qtype == "multiple":
        ids = [o["id"] for o in view["options"]]
        return {"choices": rng.sample(ids, rng.randint(1, len(ids)))}
    if qtype == "truefalse":
        return {"answer": rng.choice(view["options"])["id"]}
    if qtype == "shortanswer":
        return {"text": rng.choice(["Paris", "paris", "Pari", "Lyon"])}
    if qtype == "numeric":
        return {"value": rng.choice(["3.14", "3.141 m", "314 cm", "3.1", "42"])}
    if qtype == "matching":
        choices = [c["id"] for c in view["choices"]]
        return {"matches": {p["id"]: rng.choice(choices) for p in view["prompts"]}}
    if qtype == "ordering":
        ids = [i["id"] for i in view["items"]]
        rng.shuffle(ids)
        return {"order": ids}
    raise ValueError(f"no answer for question type {qtype!r}")


def _fixtures(learners: int, questions: int, per_page: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_tenants.utils import schema_context

    from apps.accounts.models import RoleAssignment
    from apps.assessments.bank import services as bank_services
    from apps.assessments.quizzes import services as quiz_services
    from apps.core.api.authentication import tokens_for_user
    from apps.courses import services as course_services
    from apps.hierarchy.models import Branch, SchoolClass
    from tenants.models import Plan

    User = get_user_model()
    common.drop_bench_organizations()
    plan = Plan.objects.filter(code="enterprise").first() or common.bench_plan()
    org = common.provision(ORG_SLUG, plan=plan).organization
    started = time.perf_counter()
    with schema_context(org.schema_name):
        with transaction.atomic():
            admin = User.objects.get(email=f"admin@{ORG_SLUG}.example.com")
            admin.status = User.Status.ACTIVE
            admin.save(update_fields=["status"])
            branch = Branch.objects.create(code="main", name="Main Campus")
            school_class = SchoolClass.objects.create(branch=branch, name="Class A", term="2026")
            password = make_password(None)  # unusable: the learners sign in with their tokens
            User.objects.bulk_create(
                [
                    User(
                        email=f"learner{i:05d}@bench.example.com",
                        full_name=f"Learner {i}",
                        status="active",
                        password=password,
                    )
                    for i in range(learners)
                ],
                batch_size=2000,
            )
            students = list(User.objects.filter(email__startswith="learner").order_by("email"))
            RoleAssignment.objects.bulk_create(
                [
                    RoleAssignment(user=s, role="student", branch=branch, school_class=school_class)
                    for s in students
                ]
            )
            course = course_services.course_create(actor=admin, title="Quiz benchmark")
            module = course_services.module_create(actor=admin, course=course, title="Assessment")
            category = bank_services.category_create(actor=admin, course=course, name="Benchmark bank")
            quiz = quiz_services.assessment_create(
                actor=admin,
                module=module,
                title=f"{questions}-question quiz",
                publish=True,
                time_limit=1800,
                questions_per_page=per_page,
                shuffle_answers=True,
            )
            for n in range(questions):
                spec = _question(n)
                question = bank_services.question_create(actor=admin, category=category, **spec)
                quiz_services.slot_add_question(actor=admin, assessment=quiz, question=question)
            course_services.course_publish(actor=admin, course=course)
            course_services.enroll_assign(actor=admin, course=course, users=[s.pk for s in students])
        tokens = [tokens_for_user(s)["access"] for s in students]
    setup_seconds = time.perf_counter() - started
    return {
        "org_host": org.host,
        "schema": org.schema_name,
        "quiz_id": quiz.pk,
        "tokens": tokens,
        "setup_seconds": round(setup_seconds, 1),
        "data": {
            "learners": len(students),
            "questions": questions,
            "questions_per_page": per_page,
            "qtypes": sorted({_question(n)["qtype"] for n in range(questions)}),
            "max_marks": sum(_question(n)["default_mark"] for n in range(questions)),
        },
    }


# --- the clients -----------------------------------------------------------------------------------------


class _Failed(Exception):
    pass


class _Learner:
    """One learner's client: its own connection (reopened whenever gunicorn's sync workers close it)."""

    def __init__(self, index: int, port: int, host: str, token: str, quiz_id: int):
        self.index = index
        self.port = port
        self.quiz_id = quiz_id
        self.rng = random.Random(1000 + index)
        self.headers = {
            "Host": host,
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
        }
        self.calls: list[tuple[str, float, object]] = []  # (call, seconds, status)
        self.failures: list[dict] = []
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
        self.attempt_id = None
        self.submit_done_at = None

    def call(self, kind: str, method: str, path: str, body=None) -> dict:
        payload = None if body is None else json.dumps(body).encode()
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=self.headers)
            response = self.conn.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status, raw = type(exc).__name__, b""
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CLIENT_TIMEOUT)
        self.calls.append((kind, time.perf_counter() - t0, status))
        if not (isinstance(status, int) and 200 <= status < 300):
            self.failures.append(
                {
                    "learner": self.index,
                    "call": kind,
                    "path": path,
                    "status": status,
                    "body": raw[:300].decode(),
                }
            )
            raise _Failed(kind)
        body = json.loads(raw)
        return body["data"] if isinstance(body, dict) and "data" in body else body  # the API's envelope

    def answer(self) -> None:
        """Start, read every page, save every answer."""
        attempt = self.call("start", "POST", f"/api/v1/assessments/{self.quiz_id}/attempts", {})
        self.attempt_id = attempt["id"]
        responses = {}
        for page in range(attempt["page_count"]):
            shown = self.call("page", "GET", f"/api/v1/attempts/{self.attempt_id}/pages/{page}")
            for question in shown["questions"]:
                responses[str(question["slot"])] = _answer(question, self.rng)
        saved = self.call(
            "save",
            "POST",
            f"/api/v1/attempts/{self.attempt_id}/answers",
            {"responses": responses, "page": max(attempt["page_count"] - 1, 0)},
        )
        if saved.get("outcome") != "saved" or len(saved.get("changed") or []) != len(responses):
            self.failures.append({"learner": self.index, "call": "save", "unexpected": saved})
            raise _Failed("save")

    def submit(self) -> None:
        done = self.call("submit", "POST", f"/api/v1/attempts/{self.attempt_id}/submit", {})
        self.submit_done_at = time.perf_counter()
        if done.get("state") != "finished" or done.get("outcome") != "finished":
            self.failures.append({"learner": self.index, "call": "submit", "unexpected": done})
            raise _Failed("submit")

    def close(self) -> None:
        self.conn.close()


def _take_quiz(server: Gunicorn, fx: dict, tokens: list[str], first: int = 0) -> dict:
    """Every learner at once: start, pages, save; a barrier; every learner submits at once."""
    n = len(tokens)
    learners = [
        _Learner(first + i, server.port, fx["org_host"], token, fx["quiz_id"])
        for i, token in enumerate(tokens)
    ]
    marks: dict = {}

    def released_answering():
        marks["answer_start"] = time.perf_counter()

    def released_submitting():
        marks["answer_cpu_pct"] = answer_cpu.stop()
        marks["answer_server_cpu"] = server.cpu_seconds() - server_cpu0
        marks["submit_cpu"] = common.CpuMeter().start()
        marks["submit_server_cpu"] = server.cpu_seconds()
        marks["submit_start"] = time.perf_counter()

    go = threading.Barrier(n, action=released_answering)
    submit_together = threading.Barrier(n, action=released_submitting)
    answered = [False] * n

    def run(learner: _Learner) -> None:
        try:
            go.wait(timeout=CLIENT_TIMEOUT)
            learner.answer()
            answered[learner.index - first] = True
        except (_Failed, threading.BrokenBarrierError):
            pass
        except Exception as exc:  # a bug in the client: reported as a failure, never a hang
            learner.failures.append({"learner": learner.index, "call": "client", "error": repr(exc)})
        try:
            submit_together.wait(timeout=BARRIER_TIMEOUT)  # every thread comes here, answered or not
        except threading.BrokenBarrierError:
            return
        if answered[learner.index - first]:
            with contextlib.suppress(_Failed):
                learner.submit()
        learner.close()

    answer_cpu = common.CpuMeter().start()
    server_cpu0 = server.cpu_seconds()
    threads = [
        threading.Thread(target=run, args=(one,), daemon=True, name=f"learner-{one.index}")
        for one in learners
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BARRIER_TIMEOUT + 2 * CLIENT_TIMEOUT)
    ended = time.perf_counter()
    stuck = sum(1 for t in threads if t.is_alive())
    submit_start = marks.get("submit_start", ended)
    answer_seconds = submit_start - marks.get("answer_start", submit_start)
    submit_ends = [one.submit_done_at for one in learners if one.submit_done_at]
    submit_seconds = (max(submit_ends) - submit_start) if submit_ends else None
    server_cpu_total = server.cpu_seconds() - server_cpu0
    submit_server_cpu = server.cpu_seconds() - marks.get("submit_server_cpu", server_cpu0)

    calls = {}
    for kind in CALLS:
        rows = [(sec, status) for one in learners for k, sec, status in one.calls if k == kind]
        statuses: dict = {}
        for _sec, status in rows:
            statuses[status] = statuses.get(status, 0) + 1
        ok = sum(1 for _sec, status in rows if isinstance(status, int) and 200 <= status < 300)
        elapsed = submit_seconds if kind == "submit" else answer_seconds
        calls[kind] = loadgen._summary([sec for sec, _ in rows], ok, len(rows) - ok, statuses, elapsed or 0)
    submits_ok = calls["submit"]["ok"]
    failures = [f for one in learners for f in one.failures]
    return {
        "calls": calls,
        "answer_phase": {
            "seconds": round(answer_seconds, 3),
            "attempts_answered": sum(answered),
            "requests": sum(calls[k]["requests"] for k in ("start", "page", "save")),
            "server_cpu_seconds": round(marks.get("answer_server_cpu", server_cpu_total), 2),
            "machine_cpu_busy_pct": marks.get("answer_cpu_pct"),
        },
        "submit_phase": {
            "submits": submits_ok,
            "seconds": None if submit_seconds is None else round(submit_seconds, 3),
            "submits_per_second": round(submits_ok / submit_seconds, 1) if submit_seconds else None,
            "latency_ms": calls["submit"]["latency_ms"],
            "server_cpu_seconds": round(submit_server_cpu, 2),
            "server_cpu_ms_per_submit": round(1000 * submit_server_cpu / submits_ok, 1)
            if submits_ok
            else None,
            "machine_cpu_busy_pct": marks["submit_cpu"].stop() if "submit_cpu" in marks else None,
        },
        "errors": sum(calls[k]["errors"] for k in CALLS),
        "failures": failures[:20],
        "failures_total": len(failures),
        "stuck_threads": stuck,
    }


# --- what the database says afterwards ---------------------------------------------------------------------


def _check(fx: dict) -> dict:
    """Every attempt finished and graded, its questions graded and its marks adding up."""
    from django.db.models import Count, Sum
    from django_tenants.utils import schema_context

    from apps.assessments.models import AssessmentGrade, Attempt, AttemptStep, QuestionAttempt
    from apps.events.models import Event

    problems: list[str] = []
    with schema_context(fx["schema"]):
        attempts = Attempt.objects.filter(assessment_id=fx["quiz_id"])
        by_state = dict(attempts.values_list("state").annotate(n=Count("pk")))
        finished = attempts.filter(state=Attempt.State.FINISHED, preview=False)
        graded = finished.filter(grade__isnull=False, sum_marks__isnull=False, needs_grading=False)
        qa_states = dict(
            QuestionAttempt.objects.filter(attempt__assessment_id=fx["quiz_id"])
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        sums = (
            QuestionAttempt.objects.filter(attempt__assessment_id=fx["quiz_id"])
            .values("attempt_id")
            .annotate(total=Sum("mark"), n=Count("pk"))
        )
        sum_by_attempt = {row["attempt_id"]: row for row in sums}
        mismatched = 0
        grades = []
        for attempt in graded:
            row = sum_by_attempt.get(attempt.pk)
            if not row or row["n"] != fx["data"]["questions"] or Decimal(row["total"]) != attempt.sum_marks:
                mismatched += 1
            grades.append(float(attempt.grade))
        grade_rows = AssessmentGrade.objects.filter(assessment_id=fx["quiz_id"]).count()
        submitted = Event.objects.filter(name="assessment.submitted", payload__assessment_id=fx["quiz_id"])
        submitted_events = submitted.count()
        undispatched = submitted.filter(dispatched_at__isnull=True).count()
        steps = dict(
            AttemptStep.objects.filter(attempt__assessment_id=fx["quiz_id"])
            .values_list("action")
            .annotate(n=Count("pk"))
        )
        total = attempts.count()
    n = fx["data"]["learners"] + fx["data"].get("warmup_learners", 0)
    if total != n:
        problems.append(f"{total} attempts for {n} learners")
    if len(grades) != n:
        problems.append(f"{len(grades)} of {n} attempts finished with a grade (states {by_state})")
    ungraded = {s: c for s, c in qa_states.items() if s not in ("right", "partial", "wrong")}
    if ungraded:
        problems.append(f"question attempts not graded right/partial/wrong: {ungraded}")
    if mismatched:
        problems.append(f"{mismatched} attempts whose question marks do not add up to their sum")
    if grade_rows != n:
        problems.append(f"{grade_rows} grade rows for {n} learners")
    if submitted_events != n:
        problems.append(f"{submitted_events} assessment.submitted events for {n} learners")
    if undispatched:
        problems.append(f"{undispatched} assessment.submitted events never dispatched")
    return {
        "attempts_by_state": by_state,
        "finished_with_grade": len(grades),
        "question_states": qa_states,
        "steps": steps,
        "grade_rows": grade_rows,
        "submitted_events": submitted_events,
        "grade": common.summarize(grades, 2),
        "problems": problems,
        "ok": not problems,
    }


# --- what a submit queues ------------------------------------------------------------------------------

# gunicorn's config for the default run: each worker's Celery queues tasks (to the bench settings' in-memory
# broker, which nobody reads) instead of running them in the request, as with a real broker and workers.
DEFERRED_CONFIG = """
def post_worker_init(worker):
    from config.celery import app

    app.conf.task_always_eager = False
"""


class QuizGunicorn(Gunicorn):
    """benchmarks/http_load.py's gunicorn, with Celery tasks queued rather than run (unless inline)."""

    def __init__(self, *, inline_tasks: bool, **kwargs):
        super().__init__(**kwargs)
        self.config_path = None
        if not inline_tasks:
            fd, name = tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".conf.py")
            with os.fdopen(fd, "w") as config:
                config.write(DEFERRED_CONFIG)
            self.config_path = Path(name)

    @property
    def command(self) -> list[str]:
        extra = ["--config", str(self.config_path)] if self.config_path else []
        return [*super().command, *extra]

    def stop(self) -> None:
        super().stop()
        if self.config_path:
            with contextlib.suppress(OSError):
                self.config_path.unlink()


@contextlib.contextmanager
def _tasks_queued():
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def _background(fx: dict) -> dict:
    """What the Celery workers do after the submits, timed here on its own: every pending event dispatched to
    its subscribers (their statistics recomputation queued, as the debounce does), then the one
    recomputation of the quiz's statistics the debounced task runs."""
    from django_tenants.utils import schema_context

    from apps.assessments.analytics import services as analytics_services
    from apps.events import bus
    from apps.events.models import Event

    with schema_context(fx["schema"]):
        pending = list(
            Event.objects.filter(dispatched_at__isnull=True).order_by("pk").values_list("pk", flat=True)
        )
        t0 = time.perf_counter()
        with _tasks_queued():
            for pk in pending:
                bus.dispatch(pk)
        dispatch_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        computed = analytics_services.recompute(assessment_id=fx["quiz_id"]) if pending else None
        recompute_seconds = time.perf_counter() - t0
        left = Event.objects.filter(dispatched_at__isnull=True).count()
    return {
        "events_dispatched": len(pending),
        "dispatch_seconds": round(dispatch_seconds, 3),
        "dispatch_ms_per_event": round(1000 * dispatch_seconds / len(pending), 2) if pending else None,
        "statistics_sets_computed": None if computed is None else len(computed),
        "statistics_seconds": round(recompute_seconds, 3) if pending else None,
        "events_left_undispatched": left,
    }


# --- the benchmark -----------------------------------------------------------------------------------------


def run(args, argv: list[str], machine: dict) -> common.Result:
    learners = args.learners or (QUICK if args.quick else FULL)["learners"]
    if learners < 1 or args.quiz_questions < 1:
        raise SystemExit("--learners and --quiz-questions must be at least 1")
    common.heading(
        f"quiz-submit: {learners} learners, a {args.quiz_questions}-question quiz, gunicorn {args.workers} "
        f"{args.worker_class} workers"
    )
    common.show_reproduce(argv)
    warmup = max(args.quiz_warmup, 0)
    fx = _fixtures(learners + warmup, args.quiz_questions, args.quiz_per_page)
    fx["data"].update(learners=learners, warmup_learners=warmup)
    print(f"  data: {fx['data']} in {fx['setup_seconds']} s", flush=True)
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    server = QuizGunicorn(
        inline_tasks=args.quiz_inline_tasks,
        workers=args.workers,
        worker_class=args.worker_class,
        log_path=log,
    )
    figures: dict = {"data": fx["data"], "setup_seconds": fx["setup_seconds"]}
    try:
        figures["gunicorn_startup_seconds"] = round(server.start(fx["org_host"]), 2)
        if warmup:
            warm = _take_quiz(server, fx, fx["tokens"][:warmup])
            figures["warmup"] = {"errors": warm["errors"], "failures": warm["failures"][:5]}
            if warm["errors"] or warm["failures_total"]:
                raise RuntimeError(f"warm-up failed: {warm['failures'][:3]} {server.log_tail()}")
        figures.update(_take_quiz(server, fx, fx["tokens"][warmup:], first=warmup))
        if figures["failures_total"]:
            figures["gunicorn_log_tail"] = server.log_tail()
        figures["background"] = _background(fx)
        figures["check"] = _check(fx)
    finally:
        server.stop()
        figures["cleanup"] = common.drop_bench_organizations()
        with contextlib.suppress(OSError):
            log.unlink()

    print(
        f"\n  {'call':<8}{'requests':>9}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}"
    )
    for kind, r in figures["calls"].items():
        lat = r["latency_ms"]
        print(
            f"  {kind:<8}{r['requests']:>9}{r['errors']:>8}{lat['p50']!s:>10}{lat['p95']!s:>10}"
            f"{lat['p99']!s:>10}{lat['max']!s:>10}"
        )
    sp, ap = figures["submit_phase"], figures["answer_phase"]
    print(
        f"  answering (start, {fx['data']['questions'] // max(args.quiz_per_page, 1) or 1} pages, save): "
        f"{ap['attempts_answered']} attempts in {ap['seconds']} s"
    )
    print(
        f"  submitting: {sp['submits']} submits in {sp['seconds']} s = {sp['submits_per_second']} submits/s, "
        f"p95 {sp['latency_ms']['p95']} ms, gunicorn CPU {sp['server_cpu_ms_per_submit']} ms per submit"
    )
    bg = figures["background"]
    print(
        f"  afterwards (the Celery workers' share): {bg['events_dispatched']} events dispatched in "
        f"{bg['dispatch_seconds']} s, statistics recomputed once in {bg['statistics_seconds']} s"
    )
    check = figures["check"]
    print(
        f"  database: {check['finished_with_grade']} attempts finished with a grade, question states "
        f"{check['question_states']}, grades {check['grade']}"
    )
    for failure in figures["failures"][:5]:
        print(f"  FAILURE {failure}")
    for problem in check["problems"]:
        print(f"  PROBLEM {problem}")

    result = common.Result(
        name="quiz-submit",
        argv=argv,
        params={
            "server": " ".join(["gunicorn", *server.command[3:]]),
            "workers": args.workers,
            "worker_class": args.worker_class,
            "learners": learners,
            "questions": args.quiz_questions,
            "questions_per_page": args.quiz_per_page,
            "warmup_learners": warmup,
            "background_tasks": "inline (Celery eager, in the request)"
            if args.quiz_inline_tasks
            else "queued (timed afterwards in the bench process)",
            "client": "one Python thread and connection per learner (http.client), released by barriers",
            "cache": "redis" if os.environ.get("REDIS_URL") else "per-process memory (no REDIS_URL)",
        },
        figures=figures,
        notes=[
            "submits_per_second: successful submits / seconds from the submit barrier's release to the last "
            "submit's answer; every learner submits at once, so the latency includes waiting for a worker.",
            "By default gunicorn's workers queue what a submit sends to Celery (event dispatch, the debounced "
            "statistics recomputation) as with a real broker; `background` times that work afterwards. With "
            "--quiz-inline-tasks it runs inside each submit request (Celery eager, the bench settings' default).",
            "Client and server share the machine's cores; gunicorn sync workers close each connection.",
        ],
    )
    if figures["errors"] or figures["failures_total"] or figures["stuck_threads"] or not check["ok"]:
        path = result.write(machine)
        raise RuntimeError(
            f"quiz-submit failed: {figures['errors']} errors, {figures['failures_total']} failures, "
            f"{figures['stuck_threads']} stuck clients, problems {check['problems']} (see {path.name})"
        )
    return result
