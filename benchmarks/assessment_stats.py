"""Item analysis of a large quiz: seconds and peak memory of the statistics computation (issue 12).

    make bench BENCH_ARGS="assessment-stats"                           # 10,000 attempts x 50 questions
    make bench BENCH_ARGS="assessment-stats --quick"                   # 1,000 attempts
    make bench BENCH_ARGS="assessment-stats --stats-attempts 20000 --stats-questions 80"

One organization (slug `bench-stats`) with a course, a bank of `--stats-questions` questions (single choice,
true/false and short answer in turn, the short answers worth 2 marks) and a quiz with one slot each; then
`--stats-attempts` learners with one finished attempt each. The question attempts are generated in SQL
(INSERT ... SELECT over the attempts and the slots): each learner has an ability, each question a difficulty,
and an answer is right with a probability that grows with the ability, so the figures look like a real
class's (a positive discrimination, a CIC well above 0). Wrong single-choice answers pick one of the other
options, so the per-option counts have work to do.

Then `apps.assessments.analytics.services.compute(quiz, "first")` runs, exactly as the background task does:
the attempt set picked in SQL, the marks streamed in chunks, Moodle's statistics, the cache row written.
Timed without tracemalloc (`seconds`, best and median of `--stats-repeats` runs), then once more under
tracemalloc for the peak of Python allocations (`peak_mib`); the process's max RSS is given too. The
organization is dropped afterwards.
"""

import resource
import statistics
import time
import tracemalloc

from . import common

ORG_SLUG = f"{common.SLUG_PREFIX}stats"
FULL = {"attempts": 10_000, "questions": 50}
QUICK = {"attempts": 1_000, "questions": 50}


def add_arguments(parser) -> None:
    g = parser.add_argument_group("assessment-stats")
    g.add_argument(
        "--stats-attempts", type=int, help="learners, one finished attempt each (10000; quick 1000)"
    )
    g.add_argument("--stats-questions", type=int, help="questions in the quiz (50)")
    g.add_argument("--stats-repeats", type=int, default=3, help="timed runs of compute() (3)")


def _fixtures(attempts: int, questions: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from apps.assessments.models import (
        Assessment,
        Attempt,
        Question,
        QuestionAttempt,
        QuestionCategory,
        QuestionVersion,
        Slot,
    )
    from apps.courses.models import ContentItem, ContentVersion, Course, Module

    User = get_user_model()
    common.drop_bench_organizations()
    org = common.provision(ORG_SLUG).organization
    started = time.perf_counter()
    with schema_context(org.schema_name), transaction.atomic():
        admin = User.objects.get(email=f"admin@{ORG_SLUG}.example.com")
        course = Course.objects.create(title="Statistics", slug="statistics", status="published", owner=admin)
        module = Module.objects.create(course=course, title="Module", position=0)
        item = ContentItem.objects.create(
            module=module, course=course, kind="quiz", title="Big quiz", position=0
        )
        version = ContentVersion.objects.create(item=item, number=1, title="Big quiz", author=admin, data={})
        quiz = Assessment.objects.create(item=item, course=course)
        version.data = {"assessment_id": quiz.pk}
        version.save(update_fields=["data"])
        ContentItem.objects.filter(pk=item.pk).update(latest_version=version, published_version=version)
        category = QuestionCategory.objects.create(course=course, name="Bank")
        kinds = []
        for n in range(questions):
            qtype = ("choice", "truefalse", "shortanswer")[n % 3]
            data = {
                "choice": {
                    "options": [
                        {"id": o, "text": f"<p>Option {o}</p>", "fraction": 1.0 if o == "a" else 0.0}
                        for o in "abcd"
                    ],
                    "shuffle": True,
                },
                "truefalse": {"correct": True},
                "shortanswer": {"answers": [{"text": "Paris", "fraction": 1.0}], "case_sensitive": False},
            }[qtype]
            mark = 2 if qtype == "shortanswer" else 1
            question = Question.objects.create(
                category=category, course=course, qtype=qtype, name=f"Q{n + 1}"
            )
            qv = QuestionVersion.objects.create(
                question=question, number=1, qtype=qtype, name=question.name, default_mark=mark, data=data
            )
            Question.objects.filter(pk=question.pk).update(latest_version=qv)
            Slot.objects.create(assessment=quiz, position=n + 1, page=n + 1, question=question, mark=mark)
            kinds.append(qtype)
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(email=f"learner{i:05d}@bench.example.com", full_name=f"Learner {i}", password=password)
                for i in range(attempts)
            ],
            batch_size=2000,
        )
        learners = list(User.objects.filter(email__startswith="learner").values_list("pk", flat=True))
        Attempt.objects.bulk_create(
            [Attempt(assessment=quiz, user_id=pk, number=1, state="finished", layout=[]) for pk in learners],
            batch_size=2000,
        )
        qa, at, sl, qv = (
            QuestionAttempt._meta.db_table,
            Attempt._meta.db_table,
            Slot._meta.db_table,
            QuestionVersion._meta.db_table,
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.42)")
            # ability in 0..1 per attempt (from its id), difficulty per slot; P(right) = 0.15 + 0.75 x ability
            # shifted by the slot's difficulty, clamped.
            cursor.execute(
                f"""
                INSERT INTO {qa} (attempt_id, slot, question_version_id, max_mark, "order", response, state,
                                  fraction, mark, tries, penalty, locked, flagged, comment)
                SELECT g.attempt_id, g.position, g.version_id, g.mark, '{{}}'::jsonb,
                       CASE g.qtype
                         WHEN 'choice' THEN jsonb_build_object('choice',
                              CASE WHEN g.right THEN 'a' ELSE (ARRAY['b','c','d'])[1 + floor(random() * 3)::int] END)
                         WHEN 'truefalse' THEN jsonb_build_object('answer', g.right)
                         ELSE jsonb_build_object('text', CASE WHEN g.right THEN 'Paris' ELSE 'Lyon' END)
                       END,
                       CASE WHEN g.right THEN 'right' ELSE 'wrong' END,
                       CASE WHEN g.right THEN 1.0 ELSE 0.0 END,
                       CASE WHEN g.right THEN g.mark ELSE 0 END,
                       0, 0, false, false, ''
                FROM (
                  SELECT a.id AS attempt_id, s.position, v.id AS version_id, s.mark, v.qtype,
                         random() < LEAST(0.97, GREATEST(0.03,
                             0.15 + 0.75 * mod(a.id * 7919, 1000) / 1000.0 - 0.3 * mod(s.position * 37, 10) / 10.0
                             + 0.15)) AS right
                  FROM {at} a CROSS JOIN {sl} s JOIN {qv} v ON v.question_id = s.question_id
                  WHERE a.assessment_id = %s AND s.assessment_id = %s
                ) g
                """,  # table names from the models, values as parameters
                [quiz.pk, quiz.pk],
            )
            cursor.execute(
                f"""
                UPDATE {at} a SET sum_marks = t.total, grade = round(100 * t.total / t.maximum, 4),
                                  finished_at = now()
                FROM (SELECT q.attempt_id, sum(q.mark) AS total, sum(q.max_mark) AS maximum
                      FROM {qa} q JOIN {at} a2 ON a2.id = q.attempt_id WHERE a2.assessment_id = %s
                      GROUP BY q.attempt_id) t
                WHERE a.id = t.attempt_id
                """,
                [quiz.pk],
            )
            cursor.execute(f"ANALYZE {qa}")
            cursor.execute(f"ANALYZE {at}")
        rows = QuestionAttempt.objects.filter(attempt__assessment=quiz).count()
    return {
        "organization": org,
        "quiz_id": quiz.pk,
        "counts": {"attempts": len(learners), "questions": questions, "question_attempts": rows},
        "kinds": {k: kinds.count(k) for k in sorted(set(kinds))},
        "setup_seconds": round(time.perf_counter() - started, 1),
    }


def run(args, argv: list[str], machine: dict) -> common.Result:
    from django_tenants.utils import schema_context

    from apps.assessments.analytics import services
    from apps.assessments.models import Assessment

    defaults = QUICK if args.quick else FULL
    attempts = getattr(args, "stats_attempts", None) or defaults["attempts"]
    questions = getattr(args, "stats_questions", None) or defaults["questions"]
    repeats = max(1, getattr(args, "stats_repeats", None) or 3)
    common.heading(f"assessment-stats: compute() over {attempts} attempts x {questions} questions")
    common.show_reproduce(argv)
    fx = _fixtures(attempts, questions)
    print(f"  data: {fx['counts']} ({fx['kinds']}) in {fx['setup_seconds']} s", flush=True)
    figures: dict = {"data": fx["counts"], "kinds": fx["kinds"], "setup_seconds": fx["setup_seconds"]}
    try:
        with schema_context(fx["organization"].schema_name):
            quiz = Assessment.objects.select_related("item").get(pk=fx["quiz_id"])
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                cache = services.compute(quiz, "first")
                times.append(time.perf_counter() - started)
            rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            started = time.perf_counter()
            services.compute(quiz, "first")
            traced_seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            data = cache.data
            figures.update(
                {
                    "seconds": {
                        "best": round(min(times), 3),
                        "median": round(statistics.median(times), 3),
                        "runs": [round(t, 3) for t in times],
                    },
                    "per_attempt_ms": round(1000 * min(times) / max(attempts, 1), 4),
                    "peak_mib": round(peak / 2**20, 1),
                    "seconds_under_tracemalloc": round(traced_seconds, 3),
                    "max_rss_mib": round(rss_kib / 1024, 1),
                    "attempt_count": cache.attempt_count,
                    "quiz": {
                        k: round(data[k], 3) if isinstance(data.get(k), float) else data.get(k)
                        for k in ("mean_percent", "sd_percent", "cic", "error_ratio", "skewness", "kurtosis")
                    },
                    "dubious_questions": sum(1 for q in data["questions"] if q["dubious"]),
                }
            )
    finally:
        figures["cleanup"] = common.drop_bench_organizations()
    s = figures["seconds"]
    print(
        f"\n  compute(first): best {s['best']:.2f} s, median {s['median']:.2f} s over {repeats} runs "
        f"({figures['per_attempt_ms']} ms per attempt); peak {figures['peak_mib']} MiB of Python allocations "
        f"(tracemalloc, {figures['seconds_under_tracemalloc']:.2f} s under it); max RSS {figures['max_rss_mib']} MiB",
        flush=True,
    )
    print(f"  figures: {figures['quiz']}, {figures['dubious_questions']} questions flagged", flush=True)
    return common.Result(
        name="assessment-stats",
        argv=argv,
        params={"attempts": attempts, "questions": questions, "repeats": repeats, "attempt_set": "first"},
        figures=figures,
        notes=[
            "seconds: services.compute() end to end (attempt set, streamed marks, statistics, cache write), "
            "without tracemalloc; peak_mib: tracemalloc's peak during one more run; max_rss_mib: the whole "
            "process (Django, the data set-up) after the timed runs."
        ],
    )
