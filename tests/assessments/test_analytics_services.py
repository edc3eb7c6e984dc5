"""Item analysis from stored attempts (apps/assessments/analytics): the figures are statistics.quiz_statistics
over the same marks, the attempt sets pick the right attempts, previews and unfinished attempts never count,
the undefined cases give nulls, and the cache goes stale after a submission and is computed again by the task.
"""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from model_bakery import baker

from apps.assessments.analytics import selectors, services, subscribers, tasks
from apps.assessments.baker_recipes import make_question
from apps.assessments.models import Attempt, StatisticsCache
from apps.assessments.statistics import AttemptMarks, SlotInfo, quiz_statistics
from apps.events import emit
from apps.events.models import Event
from tests.conftest import in_org

from .analytics_builders import add_attempt, statistics_quiz

pytestmark = pytest.mark.django_db

# Five learners' marks on (choice 1 mark, true/false 1 mark, short answer 2 marks).
MARKS = [[1, 1, 2], [1, 0, 2], [0, 1, 0], [1, 1, 0], [0, 0, 0]]


@pytest.fixture
def course(acme):
    with in_org(acme):
        return baker.make_recipe("courses.course")


@pytest.fixture(autouse=True)
def _recompute_in_eager_mode(monkeypatch):
    """The tests run Celery eagerly; follow the chain as a worker would (services.RECOMPUTE_WHEN_EAGER)."""
    monkeypatch.setattr(services, "RECOMPUTE_WHEN_EAGER", True)


@pytest.fixture
def learners(acme):
    with in_org(acme):
        return baker.make_recipe("accounts.student", _quantity=6)


def figures_by_hand(marks, responses=None):
    """statistics.quiz_statistics over the same marks, built without the analytics code."""
    slots = [
        SlotInfo(1, 1.0, 1 / 3, [("a", "Paris"), ("b", "Lyon"), ("c", "Marseille")]),
        SlotInfo(2, 1.0, 0.5, [("true", "True"), ("false", "False")]),
        SlotInfo(3, 2.0, 0.0),
    ]
    attempts = [
        AttemptMarks(
            i, float(sum(row)), {s + 1: float(m) for s, m in enumerate(row)}, (responses or {}).get(i)
        )
        for i, row in enumerate(marks)
    ]
    return quiz_statistics(slots, attempts).to_dict()


def test_compute_gives_the_figures_of_quiz_statistics_over_the_same_marks(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        answers = []
        for user, row in zip(learners, MARKS, strict=False):
            response = {1: {"choice": "a" if row[0] else "b"}, 2: {"answer": bool(row[1])}}
            add_attempt(quiz, user, row, responses=response)
            answers.append(response)

        cache = services.compute(quiz, "first")

    expected = figures_by_hand(MARKS, dict(enumerate(answers)))
    assert cache.attempt_count == 5
    assert cache.stale is False
    assert cache.computed_at is not None
    for key, value in expected.items():
        if key == "questions":
            continue
        if isinstance(value, float):
            assert cache.data[key] == pytest.approx(value, abs=1e-9), key
        else:
            assert cache.data[key] == value, key
    for mine, theirs in zip(cache.data["questions"], expected["questions"], strict=True):
        for key, value in theirs.items():
            if isinstance(value, float):
                assert mine[key] == pytest.approx(value, abs=1e-9), (mine["slot"], key)
            else:
                assert mine[key] == value, (mine["slot"], key)


def test_one_figure_by_hand_facility_mean_and_cronbach(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        for user, row in zip(learners, MARKS, strict=False):
            add_attempt(quiz, user, row)

        data = services.compute(quiz, "first").data

    # Choice: 3 of 5 right -> facility 60 %; totals 4, 3, 1, 2, 0 -> mean 2 of 4 = 50 %.
    assert data["questions"][0]["facility_percent"] == pytest.approx(60.0)
    assert data["mean"] == pytest.approx(2.0)
    assert data["mean_percent"] == pytest.approx(50.0)
    # Sample variances (s - 1): slots 0.3, 0.3, 1.2; totals 2.5 -> alpha = 3/2 (1 - 1.8 / 2.5) = 0.42.
    assert data["cic"] == pytest.approx(42.0)
    assert data["sd"] == pytest.approx(math.sqrt(2.5))


def test_question_rows_carry_name_type_slot_guess_and_labelled_option_counts(acme, course, learners):
    with in_org(acme):
        quiz, questions = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2], responses={1: {"choice": "a"}, 2: {"answer": True}})
        add_attempt(quiz, learners[1], [0, 1, 0], responses={1: {"choice": "c"}, 2: {"answer": True}})
        add_attempt(quiz, learners[2], [0, 0, 0], responses={2: {"answer": False}})

        rows = services.compute(quiz, "all").data["questions"]

    choice, truefalse, short = rows
    assert (choice["slot"], choice["question_name"], choice["qtype"]) == (1, "Capital", "choice")
    assert choice["question_id"] == questions[0].pk
    assert choice["random"] is False
    assert choice["random_guess_score"] == pytest.approx(1 / 3)
    counts = {o["label"]: o["count"] for o in choice["response_counts"]["options"]}
    assert counts == {"Paris": 1, "Lyon": 0, "Marseille": 1}
    assert choice["response_counts"]["no_response"] == 1
    assert {o["id"]: o["count"] for o in truefalse["response_counts"]["options"]} == {"true": 2, "false": 1}
    assert truefalse["random_guess_score"] == pytest.approx(0.5)
    assert short["qtype"] == "shortanswer"
    assert short["response_counts"] is None
    assert short["max_mark"] == 2.0


@pytest.fixture
def history(acme, course, learners):
    """Three learners' attempts, with the grade of each (previews, open and abandoned ones too)."""
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        a, b, c = learners[:3]
        made = {
            "a1": add_attempt(quiz, a, [0, 1, 0], number=1),
            "a2": add_attempt(quiz, a, [1, 1, 2], number=2),
            "a3": add_attempt(quiz, a, [1, 1, 0], number=3),
            "b1": add_attempt(quiz, b, [1, 0, 2], number=1),
            "b2": add_attempt(quiz, b, [1, 0, 2], number=2),  # the same grade as b1: "highest" takes b1
            "c1": add_attempt(quiz, c, [1, 1, 2], number=1, preview=True),
            "c2": add_attempt(quiz, c, [0, 0, 2], number=2),
            "c3": add_attempt(quiz, c, [1, 1, 2], number=3, state=Attempt.State.ABANDONED),
            "c4": add_attempt(quiz, c, [1, 1, 2], number=4, state=Attempt.State.IN_PROGRESS),
        }
        return quiz, made


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("first", {"a1", "b1", "c2"}),
        ("highest", {"a2", "b1", "c2"}),
        ("last", {"a3", "b2", "c2"}),
        ("all", {"a1", "a2", "a3", "b1", "b2", "c2"}),
    ],
)
def test_each_attempt_set_picks_its_attempts_never_previews_or_unfinished(acme, history, which, expected):
    quiz, made = history
    with in_org(acme):
        chosen = set(selectors.attempt_set(quiz, which).values_list("pk", flat=True))
        cache = services.compute(quiz, which)

    assert chosen == {made[name].pk for name in expected}
    assert cache.attempt_count == len(expected)


def test_highest_breaks_a_tie_for_the_earliest_attempt(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        first = add_attempt(quiz, learners[0], [1, 0, 0], number=1)
        add_attempt(quiz, learners[0], [0, 1, 0], number=2)

        assert list(selectors.attempt_set(quiz, "highest").values_list("pk", flat=True)) == [first.pk]


def test_no_attempt_and_one_attempt_give_nulls_not_errors(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        empty = services.compute(quiz, "first").data
        add_attempt(quiz, learners[0], [1, 0, 2])
        single = services.compute(quiz, "first").data

    assert empty["attempt_count"] == 0
    assert empty["mean"] is None
    assert empty["sd"] is None
    assert [q["facility"] for q in empty["questions"]] == [None, None, None]
    assert single["attempt_count"] == 1
    assert single["mean"] == pytest.approx(3.0)
    assert single["sd"] is None
    assert single["cic"] is None
    assert single["skewness"] is None
    assert single["questions"][0]["discrimination_index"] is None
    assert single["questions"][0]["facility_percent"] == pytest.approx(100.0)


def test_ungraded_essays_leave_their_attempt_out(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2])
        add_attempt(quiz, learners[1], [1, 0, None])

        data = services.compute(quiz, "first").data

    assert data["attempt_count"] == 1
    assert data["excluded_ungraded"] == 1


def test_description_slots_are_left_out_and_a_slot_with_two_versions_says_so(acme, course, learners):
    with in_org(acme):
        quiz, questions = statistics_quiz(course)
        intro = make_question(category=questions[0].category, qtype="description", name="Intro", data={})
        quiz.slots.create(position=4, page=1, question=intro, mark=0)
        old = questions[0].latest_version
        new = old.__class__.objects.create(
            question=questions[0],
            number=2,
            qtype="choice",
            name="Capital (edited)",
            data={**old.data, "options": [*old.data["options"], {"id": "d", "text": "Nice", "fraction": 0}]},
        )
        add_attempt(quiz, learners[0], [1, 1, 2, 0], versions={1: old})
        add_attempt(quiz, learners[1], [0, 1, 2, 0], versions={1: new})
        add_attempt(quiz, learners[2], [1, 1, 0, 0], versions={1: new})

        data = services.compute(quiz, "all").data

    assert [q["slot"] for q in data["questions"]] == [1, 2, 3]
    assert data["slot_count"] == 3
    first = data["questions"][0]
    assert first["question_name"] == "Capital (edited)"
    assert first["versions_used"] == 2
    assert first["random_guess_score"] == pytest.approx(1 / 4)
    assert "2 versions" in first["note"]
    assert [o["id"] for o in first["response_counts"]["options"]] == ["a", "b", "c", "d"]
    assert data["notes"] == [first["note"]]


def test_a_random_slot_is_described_by_its_most_drawn_question(acme, course, learners):
    with in_org(acme):
        quiz, questions = statistics_quiz(course)
        slot = quiz.slots.get(position=2)
        slot.question = None
        slot.random_category = questions[0].category
        slot.save()
        other = make_question(
            category=questions[0].category, qtype="truefalse", name="Sea", data={"correct": False}
        )
        add_attempt(quiz, learners[0], [1, 1, 2], versions={2: other.latest_version})
        add_attempt(quiz, learners[1], [1, 0, 2], versions={2: other.latest_version})
        add_attempt(quiz, learners[2], [0, 1, 2], versions={2: questions[1].latest_version})

        row = services.compute(quiz, "all").data["questions"][1]

    assert row["random"] is True
    assert row["qtype"] == "truefalse"
    assert row["question_id"] == other.pk
    assert row["question_name"] == "Random question from Statistics: Sea"
    assert row["versions_used"] == 2
    assert "2 questions were drawn" in row["note"]


# --- the cache: stale after a change, computed again by the task --------------------------------------------


def submitted(attempt):
    return {
        "attempt_id": attempt.pk,
        "assessment_id": attempt.assessment_id,
        "item_id": attempt.assessment.item_id,
        "course_id": attempt.assessment.course_id,
        "user_id": attempt.user_id,
        "attempt_number": attempt.number,
        "submitted_at": timezone.now().isoformat(),
        "source": "learner",
        "needs_grading": False,
    }


def test_the_subscriber_marks_every_cache_of_the_quiz_stale_and_queues_a_recompute(
    acme, course, learners, django_capture_on_commit_callbacks
):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2])
        services.compute(quiz, "first")
        services.compute(quiz, "all")
        other_quiz, _ = statistics_quiz(course)
        services.compute(other_quiz, "first")
        late = add_attempt(quiz, learners[1], [0, 0, 0])
        event = Event(name="assessment.submitted", key="k", payload=submitted(late))

        with django_capture_on_commit_callbacks() as queued:
            subscribers.statistics_stale_on_submit(event)

        caches = {c.which: c for c in StatisticsCache.objects.filter(assessment=quiz)}
        assert all(c.stale and c.stale_since is not None for c in caches.values())
        assert StatisticsCache.objects.get(assessment=other_quiz).stale is False
        assert len(queued) == 1
        assert caches["first"].attempt_count == 1  # still the old figures

        tasks.recompute_statistics(
            assessment_id=quiz.pk, requested_at=caches["first"].stale_since.isoformat()
        )

        fresh = {c.which: c for c in StatisticsCache.objects.filter(assessment=quiz)}
    assert {w: (c.stale, c.attempt_count) for w, c in fresh.items()} == {
        "first": (False, 2),
        "all": (False, 2),
    }
    assert all(fresh[w].computed_at > caches[w].computed_at for w in fresh)


def test_a_submission_event_end_to_end_makes_the_cache_fresh_again(
    acme, course, learners, django_capture_on_commit_callbacks
):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2])
        before = services.compute(quiz, "first")
        late = add_attempt(quiz, learners[1], [0, 1, 0])

        with django_capture_on_commit_callbacks(execute=True):  # dispatch, subscriber, task: all eager
            emit("assessment.submitted", key=f"test:{late.pk}", payload=submitted(late))

        after = StatisticsCache.objects.get(assessment=quiz, which="first")
    assert after.stale is False
    assert after.attempt_count == 2
    assert after.computed_at > before.computed_at


def test_with_eager_celery_the_subscriber_only_marks_stale(
    acme, course, learners, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "RECOMPUTE_WHEN_EAGER", False)
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2])
        services.compute(quiz, "first")

        with django_capture_on_commit_callbacks() as queued:
            services.statistics_mark_stale(assessment_id=quiz.pk)

        assert StatisticsCache.objects.get(assessment=quiz).stale is True
    assert queued == []


def test_the_task_skips_a_set_computed_after_the_request_and_is_safe_to_run_twice(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2])
        requested = timezone.now()
        cache = services.compute(quiz, "first")

        assert tasks.recompute_statistics(assessment_id=quiz.pk, requested_at=requested.isoformat()) == []
        assert StatisticsCache.objects.get(pk=cache.pk).computed_at == cache.computed_at

        later = timezone.now().isoformat()  # a submission after that computation
        assert tasks.recompute_statistics(assessment_id=quiz.pk, requested_at=later) == ["first"]
        assert tasks.recompute_statistics(assessment_id=quiz.pk, requested_at=later) == []
        assert tasks.recompute_statistics(assessment_id=10**9, requested_at=later) == []


def test_a_change_during_a_computation_keeps_the_cache_stale(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2])
        services.compute(quiz, "first")
        # A submission lands after the next computation has started reading.
        StatisticsCache.objects.filter(assessment=quiz).update(
            stale=True, stale_since=timezone.now() + timedelta(minutes=1)
        )

        cache = services.compute(quiz, "first")

    assert cache.stale is True


def test_an_older_computation_never_overwrites_a_newer_one(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2])
        cache = services.compute(quiz, "first")

        stored = services._store(
            quiz.pk, "first", cache.computed_at - timedelta(seconds=5), {"data": {}, "attempt_count": 99}
        )

        cache.refresh_from_db()
    assert stored is True
    assert cache.attempt_count == 1
    assert cache.data["attempt_count"] == 1


def test_a_report_without_cache_computes_small_sets_in_memory_and_queues_large_ones(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2])
        add_attempt(quiz, learners[1], [0, 1, 2])

        small = selectors.report(assessment=quiz, which="first")
        large = selectors.report(assessment=quiz, which="first", sync_limit=1)

        assert not StatisticsCache.objects.filter(assessment=quiz).exists()  # a read writes nothing
    assert (small.state, small.cached, small.queue, small.quiz["attempt_count"]) == ("ready", False, False, 2)
    assert (large.state, large.queue, large.attempt_count, large.data) == ("computing", True, 2, None)


def test_a_cache_stale_for_long_asks_for_another_recompute(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        add_attempt(quiz, learners[0], [1, 1, 2])
        services.compute(quiz, "first")
        services.statistics_mark_stale(assessment_id=quiz.pk, queue=False)
        recent = selectors.report(assessment=quiz, which="first")
        StatisticsCache.objects.update(stale_since=timezone.now() - timedelta(hours=1))
        old = selectors.report(assessment=quiz, which="first")

    assert (recent.stale, recent.queue) == (True, False)
    assert (old.stale, old.queue) == (True, True)


def test_quiz_hints_follow_moodles_bands():
    hints = {
        h["key"]: h["level"] for h in selectors.quiz_hints({"mean_percent": 62, "sd_percent": 20, "cic": 80})
    }
    assert hints == {"mean": "good", "sd": "warn", "cic": "good"}
    assert selectors.quiz_hints({"cic": 63.9})[0]["level"] == "bad"
    assert selectors.quiz_hints({"cic": 70})[0]["level"] == "warn"
    assert selectors.quiz_hints({"mean_percent": None, "sd_percent": None, "cic": None}) == []


def test_marks_are_read_as_stored_decimals(acme, course, learners):
    with in_org(acme):
        quiz, _ = statistics_quiz(course, marks=(Decimal("0.5"), 1, 2))
        add_attempt(quiz, learners[0], [0.5, 1, 2])
        add_attempt(quiz, learners[1], [0.25, 0, 1])

        data = services.compute(quiz, "all").data

    assert data["questions"][0]["facility_percent"] == pytest.approx(75.0)
    assert data["max_grade"] == pytest.approx(3.5)
