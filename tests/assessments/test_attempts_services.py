"""The attempt engine (apps/assessments/attempts/services.py) on the server's clock: starting, saving,
checking (interactive), submitting, time expiry at every edge, the overdue task, grades over attempts,
essays and manual marks, events, lesson completion, reopening and regrading.

Times are frozen with time-machine; "close" below is an attempt's deadline."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from model_bakery import baker

from apps.assessments.attempts import selectors, services
from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.models import Assessment, AssessmentGrade, Attempt, AttemptStep, QuestionAttempt
from apps.core.errors import InvalidState, PermissionDenied, ValidationFailed
from apps.courses.models import ItemProgress
from apps.events.models import Event
from tests.conftest import in_org

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TF = {"correct": True, "feedback_true": "<p>Yes</p>", "feedback_false": "<p>No</p>"}
ESSAY = {"min_words": None, "max_words": None, "template": "", "grader_info": "", "format": "html"}


# --- builders (shared by the other test_attempts_* modules) ------------------------------------------------


@pytest.fixture
def course(acme):
    with in_org(acme):
        return baker.make_recipe("courses.course")


@pytest.fixture
def category(acme, course):
    with in_org(acme):
        return baker.make_recipe("assessments.category", course=course)


@pytest.fixture
def learner(acme, acme_student, course):
    with in_org(acme):
        baker.make_recipe("courses.enrollment", course=course, user=acme_student)
    return acme_student


def truefalse(category, correct=True, **kwargs):
    return make_question(category=category, qtype="truefalse", data={**TF, "correct": correct}, **kwargs)


def essay(category, **kwargs):
    return make_question(category=category, qtype="essay", data=ESSAY, text="<p>Explain.</p>", **kwargs)


def quiz_of(course, questions, **settings) -> Assessment:
    return make_quiz(course=course, questions=questions, **settings)


def events(name: str, attempt=None) -> list[Event]:
    found = Event.objects.filter(name=name)
    if attempt is not None:
        found = found.filter(payload__attempt_id=attempt.pk)
    return list(found)


def answer_all(attempt, value="a"):
    """The choice questions' answer `value` for every slot."""
    return {qa.slot: {"choice": value} for qa in attempt.questions.all()}


# --- start -------------------------------------------------------------------------------------------------


def test_start_lays_out_pages_pins_versions_and_records_a_step(acme, course, category, learner):
    with in_org(acme), time_machine.travel(T0, tick=False):
        questions = [make_question(category=category) for _ in range(5)]
        quiz = quiz_of(course, questions, questions_per_page=2, time_limit=600)

        result = services.attempt_start(actor=learner, assessment=quiz)

        attempt = result.attempt
        assert result.created
        assert attempt.layout == [[1, 2], [3, 4], [5]]
        assert attempt.close_at == attempt.check_state_at == T0 + timedelta(seconds=600)
        assert [qa.question_version_id for qa in attempt.questions.order_by("slot")] == [
            q.latest_version_id for q in questions
        ]
        assert list(attempt.steps.values_list("action", flat=True)) == ["start"]


def test_a_second_start_returns_the_open_attempt(acme, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)])

        first = services.attempt_start(actor=learner, assessment=quiz)
        second = services.attempt_start(actor=learner, assessment=quiz)

        assert second.attempt.pk == first.attempt.pk
        assert not second.created
        assert Attempt.objects.filter(assessment=quiz).count() == 1


def test_close_is_the_earlier_of_the_time_limit_and_the_quiz_close(acme, course, category, learner):
    with in_org(acme), time_machine.travel(T0, tick=False):
        quiz = quiz_of(
            course, [make_question(category=category)], time_limit=3600, close_at=T0 + timedelta(minutes=20)
        )

        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        assert attempt.close_at == T0 + timedelta(minutes=20)


def test_a_learner_not_enrolled_cannot_start_and_an_editor_previews(
    acme, acme_admin, acme_student, course, category
):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)])

        with pytest.raises(InvalidState):
            services.attempt_start(actor=acme_student, assessment=quiz)
        preview = services.attempt_start(actor=acme_admin, assessment=quiz).attempt

        assert preview.preview


def test_the_window_the_attempts_allowed_and_the_delay_between_attempts(acme, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(
            course,
            [make_question(category=category)],
            open_at=T0,
            close_at=T0 + timedelta(days=1),
            attempts_allowed=2,
            attempt_delay=3600,
        )
        with time_machine.travel(T0 - timedelta(seconds=1), tick=False), pytest.raises(InvalidState):
            services.attempt_start(actor=learner, assessment=quiz)
        with time_machine.travel(T0, tick=False):
            first = services.attempt_start(actor=learner, assessment=quiz).attempt
            services.attempt_submit(actor=learner, attempt=first)
        with time_machine.travel(T0 + timedelta(minutes=59), tick=False), pytest.raises(InvalidState):
            services.attempt_start(actor=learner, assessment=quiz)
        with time_machine.travel(T0 + timedelta(minutes=61), tick=False):
            second = services.attempt_start(actor=learner, assessment=quiz).attempt
            services.attempt_submit(actor=learner, attempt=second)
        with time_machine.travel(T0 + timedelta(hours=3), tick=False), pytest.raises(InvalidState):
            services.attempt_start(actor=learner, assessment=quiz)  # two attempts used
        with time_machine.travel(T0 + timedelta(days=1), tick=False), pytest.raises(InvalidState):
            services.attempt_start(actor=learner, assessment=quiz)  # closed


def test_random_slots_draw_distinct_visible_questions_of_the_category_tree(acme, course, category, learner):
    from apps.assessments.models import QuestionCategory, Slot

    with in_org(acme):
        child = QuestionCategory.objects.create(course=course, parent=category, name="Child")
        pool = [
            make_question(category=category),
            make_question(category=child),
            make_question(category=child),
        ]
        hidden = make_question(category=category)
        hidden.hidden = True
        hidden.save()
        quiz = quiz_of(course, [])
        for position in (1, 2, 3):
            Slot.objects.create(assessment=quiz, position=position, random_category=category)

        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        drawn = {
            qa.question_version.question_id for qa in attempt.questions.select_related("question_version")
        }
        assert drawn == {q.pk for q in pool}


def test_a_random_slot_with_no_question_left_refuses_to_start(acme, course, category, learner):
    from apps.assessments.models import Slot

    with in_org(acme):
        fixed = make_question(category=category)
        quiz = quiz_of(course, [fixed])
        Slot.objects.create(assessment=quiz, position=2, random_category=category)

        with pytest.raises(InvalidState):
            services.attempt_start(actor=learner, assessment=quiz)  # the only question is already in slot 1
        assert not Attempt.objects.filter(assessment=quiz).exists()


def test_a_tagged_random_slot_draws_only_tagged_questions(acme, course, category, learner):
    from apps.assessments.models import Slot
    from apps.courses.models import Tag

    with in_org(acme):
        tag = Tag.objects.create(name="algebra")
        tagged = make_question(category=category)
        tagged.tags.add(tag)
        for _ in range(4):
            make_question(category=category)
        quiz = quiz_of(course, [])
        Slot.objects.create(assessment=quiz, position=1, random_category=category, random_tag=tag)

        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        assert attempt.questions.get().question_version.question_id == tagged.pk


def test_shuffled_questions_and_options_stay_the_same_across_reloads(acme, course, category, learner):
    with in_org(acme):
        questions = [make_question(category=category) for _ in range(8)]
        quiz = quiz_of(course, questions, questions_per_page=0, shuffle_questions=True, shuffle_answers=True)

        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        first = selectors.attempt_page(attempt, 0)
        again = selectors.attempt_page(Attempt.objects.get(pk=attempt.pk), 0)

        assert sorted(attempt.layout[0]) == list(range(1, 9))
        assert [q["slot"] for q in first] == [q["slot"] for q in again] == attempt.layout[0]
        assert [[o["id"] for o in q["view"]["options"]] for q in first] == [
            [o["id"] for o in q["view"]["options"]] for q in again
        ]
        orders = {tuple(qa.order["options"]) for qa in attempt.questions.all()}
        assert all(sorted(order) == ["a", "b", "c"] for order in orders)


# --- save --------------------------------------------------------------------------------------------------


def test_save_stores_canonical_responses_one_step_per_changed_slot(acme, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category), make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        first = services.attempt_save(
            actor=learner, attempt=attempt, responses={"1": {"choice": "b"}, 2: "junk"}
        )
        again = services.attempt_save(actor=learner, attempt=attempt, responses={1: {"choice": "b"}})

        assert first.changed == [1]
        assert again.changed == []
        assert attempt.questions.get(slot=1).response == {"choice": "b"}
        assert attempt.questions.get(slot=1).state == "complete"
        assert attempt.questions.get(slot=2).response == {}
        assert list(attempt.steps.values_list("action", "slot")) == [("start", None), ("save", 1)]


def test_only_the_owner_may_save_and_only_while_open(acme, acme_admin, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        with pytest.raises(PermissionDenied):
            services.attempt_save(actor=acme_admin, attempt=attempt, responses={1: {"choice": "a"}})
        services.attempt_submit(actor=learner, attempt=attempt)
        with pytest.raises(InvalidState):
            services.attempt_save(actor=learner, attempt=attempt, responses={1: {"choice": "a"}})


def test_save_refuses_responses_that_are_not_an_object(acme, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        with pytest.raises(ValidationFailed):
            services.attempt_save(actor=learner, attempt=attempt, responses=["a"])


# --- timing edges ------------------------------------------------------------------------------------------


def timed(acme, course, category, learner, **settings):
    with in_org(acme), time_machine.travel(T0, tick=False):
        quiz = quiz_of(course, [make_question(category=category), make_question(category=category)],
                       time_limit=600, **settings)  # fmt: skip
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_save(actor=learner, attempt=attempt, responses={1: {"choice": "a"}})
    return attempt


CLOSE = T0 + timedelta(seconds=600)


def test_a_save_just_before_close_is_kept_and_the_attempt_goes_on(acme, course, category, learner):
    attempt = timed(acme, course, category, learner)
    with in_org(acme), time_machine.travel(CLOSE - timedelta(seconds=3), tick=False):
        result = services.attempt_save(actor=learner, attempt=attempt, responses={2: {"choice": "a"}})

        assert result.outcome == "saved"
        assert Attempt.objects.get(pk=attempt.pk).state == "inprogress"


def test_a_submit_inside_the_allowance_keeps_the_posted_answers(acme, course, category, learner):
    attempt = timed(acme, course, category, learner)
    with in_org(acme), time_machine.travel(CLOSE + timedelta(seconds=59), tick=False):
        result = services.attempt_submit(actor=learner, attempt=attempt, responses={2: {"choice": "a"}})

        attempt.refresh_from_db()
        assert (result.outcome, result.discarded) == ("finished", False)
        assert attempt.sum_marks == Decimal("2")
        assert events("assessment.submitted", attempt)[0].payload["source"] == "learner"


def test_a_submit_after_the_allowance_discards_the_posted_answers_and_grades_the_saved(
    acme, course, category, learner
):
    attempt = timed(acme, course, category, learner)
    with in_org(acme), time_machine.travel(CLOSE + timedelta(seconds=61), tick=False):
        result = services.attempt_submit(actor=learner, attempt=attempt, responses={2: {"choice": "a"}})

        attempt.refresh_from_db()
        assert (result.outcome, result.discarded) == ("finished", True)
        assert attempt.questions.get(slot=2).response == {}
        assert attempt.sum_marks == Decimal("1")
        assert attempt.grade == Decimal("50")
        assert events("assessment.submitted", attempt)[0].payload["source"] == "timeout"


def test_a_save_after_close_submits_with_autosubmit(acme, course, category, learner):
    attempt = timed(acme, course, category, learner)
    with in_org(acme), time_machine.travel(CLOSE + timedelta(seconds=10), tick=False):
        result = services.attempt_save(actor=learner, attempt=attempt, responses={2: {"choice": "a"}})

        assert result.outcome == "finished"
        assert Attempt.objects.get(pk=attempt.pk).sum_marks == Decimal("2")


def test_grace_period_handling_makes_a_late_save_overdue_and_then_abandons(acme, course, category, learner):
    attempt = timed(acme, course, category, learner, overdue_handling="graceperiod", grace_period=3600)
    with in_org(acme):
        with time_machine.travel(CLOSE + timedelta(seconds=30), tick=False):
            result = services.attempt_save(actor=learner, attempt=attempt, responses={2: {"choice": "a"}})
            assert result.outcome == "overdue"
            assert Attempt.objects.get(pk=attempt.pk).check_state_at == CLOSE + timedelta(seconds=3600)
            assert attempt.questions.get(slot=2).response == {"choice": "a"}  # inside the allowance
        with time_machine.travel(CLOSE + timedelta(seconds=600), tick=False):
            late = services.attempt_save(actor=learner, attempt=attempt, responses={2: {"choice": "b"}})
            assert (late.outcome, late.discarded) == ("overdue", True)
            assert attempt.questions.get(slot=2).response == {"choice": "a"}
        with time_machine.travel(CLOSE + timedelta(seconds=3600 + 61), tick=False):
            result = services.attempt_submit(actor=learner, attempt=attempt)
            assert result.outcome == "abandoned"
        assert Attempt.objects.get(pk=attempt.pk).state == "abandoned"
        assert events("assessment.submitted", attempt) == []


def test_a_submit_during_the_grace_period_is_accepted(acme, course, category, learner):
    attempt = timed(acme, course, category, learner, overdue_handling="graceperiod", grace_period=3600)
    with in_org(acme), time_machine.travel(CLOSE + timedelta(seconds=1800), tick=False):
        result = services.attempt_submit(actor=learner, attempt=attempt, responses={2: {"choice": "a"}})

        attempt.refresh_from_db()
        assert result.outcome == "finished"
        assert attempt.sum_marks == Decimal("2")


def test_the_overdue_task_waits_for_the_allowance_then_submits_at_the_deadline(
    acme, course, category, learner
):
    attempt = timed(acme, course, category, learner)
    with in_org(acme):
        assert services.attempts_process_overdue(now=CLOSE + timedelta(seconds=59)) == {}
        counts = services.attempts_process_overdue(now=CLOSE + timedelta(seconds=61))
        again = services.attempts_process_overdue(now=CLOSE + timedelta(seconds=120))

        attempt.refresh_from_db()
        assert counts == {"finished": 1}
        assert again == {}
        assert (attempt.state, attempt.finished_at, attempt.sum_marks) == ("finished", CLOSE, Decimal("1"))
        assert len(events("assessment.submitted", attempt)) == 1
        assert events("assessment.submitted", attempt)[0].payload["source"] == "task"


def test_the_overdue_task_under_a_grace_period_makes_overdue_then_abandons(acme, course, category, learner):
    attempt = timed(acme, course, category, learner, overdue_handling="graceperiod", grace_period=3600)
    with in_org(acme):
        assert services.attempts_process_overdue(now=CLOSE + timedelta(seconds=61)) == {"overdue": 1}
        assert services.attempts_process_overdue(now=CLOSE + timedelta(seconds=3600)) == {}
        assert services.attempts_process_overdue(now=CLOSE + timedelta(seconds=3661)) == {"abandoned": 1}

        assert list(attempt.steps.values_list("action", flat=True)) == ["start", "save", "overdue", "abandon"]


def test_the_overdue_task_abandons_under_autoabandon(acme, course, category, learner):
    attempt = timed(acme, course, category, learner, overdue_handling="autoabandon")
    with in_org(acme):
        assert services.attempts_process_overdue(now=CLOSE + timedelta(seconds=61)) == {"abandoned": 1}
        assert Attempt.objects.get(pk=attempt.pk).state == "abandoned"


def test_the_celery_task_runs_the_same_in_the_organization(acme, course, category, learner):
    from apps.assessments.attempts.tasks import process_overdue_attempts

    attempt = timed(acme, course, category, learner)
    with in_org(acme):
        with time_machine.travel(CLOSE + timedelta(seconds=61), tick=False):
            process_overdue_attempts.apply()
        assert Attempt.objects.get(pk=attempt.pk).state == "finished"


def test_a_reopened_abandoned_attempt_goes_on_or_finishes_when_its_time_passed(
    acme, acme_admin, course, category, learner
):
    attempt = timed(acme, course, category, learner, overdue_handling="autoabandon")
    with in_org(acme):
        services.attempts_process_overdue(now=CLOSE + timedelta(seconds=61))
        with time_machine.travel(CLOSE + timedelta(hours=1), tick=False):
            with pytest.raises(PermissionDenied):
                services.attempt_reopen(actor=learner, attempt=attempt)
            reopened = services.attempt_reopen(actor=acme_admin, attempt=attempt)

        assert reopened.state == "finished"
        assert reopened.finished_at == CLOSE
        assert reopened.sum_marks == Decimal("1")


def test_a_reopened_attempt_without_a_deadline_is_in_progress_again(
    acme, acme_admin, course, category, learner
):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        Attempt.objects.filter(pk=attempt.pk).update(state="abandoned")

        reopened = services.attempt_reopen(actor=acme_admin, attempt=attempt)

        assert reopened.state == "inprogress"
        with pytest.raises(InvalidState):
            services.attempt_reopen(actor=acme_admin, attempt=attempt)


# --- submit, grades, events --------------------------------------------------------------------------------


def test_a_double_submit_grades_once_and_raises_submitted_once(acme, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category), truefalse(category)], max_grade=10)
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        services.attempt_submit(
            actor=learner, attempt=attempt, responses={1: {"choice": "a"}, 2: {"answer": "false"}}
        )
        second = services.attempt_submit(actor=learner, attempt=attempt, responses={2: {"answer": "true"}})

        attempt.refresh_from_db()
        assert second.outcome == "finished"
        assert (attempt.state, attempt.sum_marks, attempt.grade) == ("finished", Decimal("1"), Decimal("5"))
        assert len(events("assessment.submitted", attempt)) == 1
        assert len(events("assessment.graded", attempt)) == 1
        assert attempt.steps.filter(action="submit").count() == 1
        assert list(attempt.questions.values_list("state", flat=True)) == ["right", "wrong"]


def test_essays_wait_for_grading_and_the_attempt_is_final_once_marked(
    acme, acme_admin, course, category, learner
):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category), essay(category, default_mark=3)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_submit(
            actor=learner, attempt=attempt, responses={1: {"choice": "a"}, 2: {"text": "<p>Because.</p>"}}
        )
        attempt.refresh_from_db()
        assert (attempt.needs_grading, attempt.grade) == (True, None)
        assert [qa.slot for qa in selectors.grading_queue(viewer=acme_admin)] == [2]
        assert events("assessment.submitted", attempt)[0].payload["needs_grading"] is True
        assert events("assessment.graded", attempt) == []

        with pytest.raises(ValidationFailed):
            services.grade_manually(actor=acme_admin, attempt=attempt, slot=2, mark="4", comment="")
        with pytest.raises(PermissionDenied):
            services.grade_manually(actor=learner, attempt=attempt, slot=2, mark="2", comment="")
        services.grade_manually(
            actor=acme_admin, attempt=attempt, slot=2, mark="2", comment="<p>Good</p><script>x</script>"
        )

        attempt.refresh_from_db()
        qa = attempt.questions.get(slot=2)
        assert (qa.state, qa.mark, qa.comment) == ("manual", Decimal("2"), "<p>Good</p>")
        assert (attempt.needs_grading, attempt.sum_marks, attempt.grade) == (
            False,
            Decimal("3"),
            Decimal("75"),
        )
        assert list(selectors.grading_queue(viewer=acme_admin)) == []
        assert len(events("assessment.graded", attempt)) == 1
        assert AssessmentGrade.objects.get(assessment=quiz, user=learner).grade == Decimal("75")


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", "100"), ("average", "50"), ("first", "0"), ("last", "50")],
)
def test_the_grading_method_over_attempts(acme, course, category, learner, method, expected):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category), make_question(category=category)],
                       grade_method=method)  # fmt: skip
        for answers in ({}, {1: {"choice": "a"}, 2: {"choice": "a"}}, {1: {"choice": "a"}}):
            attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
            services.attempt_submit(actor=learner, attempt=attempt, responses=answers)

        assert AssessmentGrade.objects.get(assessment=quiz, user=learner).grade == Decimal(expected)


def test_passing_raises_passed_once_and_completes_the_lesson(acme, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)], pass_grade=50)
        for answers in ({}, {1: {"choice": "a"}}, {1: {"choice": "a"}}):
            attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
            services.attempt_submit(actor=learner, attempt=attempt, responses=answers)
            if not answers:
                assert not ItemProgress.objects.filter(
                    item=quiz.item, user=learner, completed_at__isnull=False
                ).exists()

        assert len(events("assessment.passed")) == 1
        assert AssessmentGrade.objects.get(assessment=quiz, user=learner).passed
        assert ItemProgress.objects.get(item=quiz.item, user=learner).completed_at is not None


def test_without_a_pass_mark_a_graded_attempt_completes_the_lesson(acme, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_submit(actor=learner, attempt=attempt)

        assert ItemProgress.objects.get(item=quiz.item, user=learner).completed_at is not None
        assert events("assessment.passed") == []


def test_a_preview_counts_for_nothing(acme, acme_admin, course, category):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)], pass_grade=1)
        attempt = services.attempt_start(actor=acme_admin, assessment=quiz).attempt
        services.attempt_submit(actor=acme_admin, attempt=attempt, responses={1: {"choice": "a"}})

        attempt.refresh_from_db()
        assert (attempt.state, attempt.grade) == ("finished", Decimal("100"))
        assert not AssessmentGrade.objects.filter(assessment=quiz).exists()
        assert Event.objects.filter(name__startswith="assessment.").count() == 0


# --- interactive behaviour ---------------------------------------------------------------------------------


def interactive_quiz(course, category, hints=("<p>Think of the Seine.</p>", "<p>Not Lyon.</p>")):
    question = make_question(category=category, hints=list(hints), penalty=0.25)
    return quiz_of(course, [question], behaviour="interactive")


def test_interactive_wrong_tries_cost_the_penalty_then_a_right_answer_locks(acme, course, category, learner):
    with in_org(acme):
        quiz = interactive_quiz(course, category)
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        first = services.attempt_check(actor=learner, attempt=attempt, slot=1, response={"choice": "b"})
        second = services.attempt_check(actor=learner, attempt=attempt, slot=1, response={"choice": "c"})
        third = services.attempt_check(actor=learner, attempt=attempt, slot=1, response={"choice": "a"})

        assert (first.hint, second.hint, third.hint) == ("<p>Think of the Seine.</p>", "<p>Not Lyon.</p>", "")
        qa = third.question
        assert (qa.tries, qa.locked, qa.state, qa.mark) == (3, True, "right", Decimal("0.5"))
        with pytest.raises(InvalidState):
            services.attempt_check(actor=learner, attempt=attempt, slot=1, response={"choice": "b"})
        services.attempt_submit(actor=learner, attempt=attempt)
        assert Attempt.objects.get(pk=attempt.pk).sum_marks == Decimal("0.5")
        assert attempt.steps.filter(action="check").count() == 3


def test_interactive_runs_out_of_tries_and_locks_at_zero(acme, course, category, learner):
    with in_org(acme):
        quiz = interactive_quiz(course, category, hints=["<p>Hint</p>"])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        services.attempt_check(actor=learner, attempt=attempt, slot=1, response={"choice": "b"})
        last = services.attempt_check(actor=learner, attempt=attempt, slot=1, response={"choice": "b"})

        assert (last.question.locked, last.question.mark) == (True, Decimal("0"))


def test_interactive_an_unchecked_change_after_a_wrong_try_is_graded_with_the_penalty(
    acme, course, category, learner
):
    with in_org(acme):
        quiz = interactive_quiz(course, category)
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_check(actor=learner, attempt=attempt, slot=1, response={"choice": "b"})

        services.attempt_submit(actor=learner, attempt=attempt, responses={1: {"choice": "a"}})

        assert Attempt.objects.get(pk=attempt.pk).sum_marks == Decimal("0.75")


def test_interactive_check_refuses_a_blank_answer_without_counting_a_try(acme, course, category, learner):
    with in_org(acme):
        quiz = interactive_quiz(course, category)
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        with pytest.raises(ValidationFailed):
            services.attempt_check(actor=learner, attempt=attempt, slot=1)

        assert attempt.questions.get().tries == 0


def test_check_is_refused_in_deferred_feedback(acme, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        with pytest.raises(InvalidState):
            services.attempt_check(actor=learner, attempt=attempt, slot=1, response={"choice": "a"})


# --- review options per moment ------------------------------------------------------------------------------


def test_review_shows_what_the_options_allow_at_each_moment(acme, course, category, learner):
    review = {
        "attempt": ["during", "immediately", "open", "closed"],
        "correctness": ["immediately", "closed"],
        "marks": ["closed"],
        "specific_feedback": ["immediately"],
        "general_feedback": ["open"],
        "right_answer": ["closed"],
        "overall_feedback": ["closed"],
    }
    with in_org(acme):
        with time_machine.travel(T0, tick=False):
            quiz = quiz_of(course, [make_question(category=category, general_feedback="<p>GF</p>")],
                           review=review, close_at=T0 + timedelta(days=1),
                           overall_feedback=[{"min_percent": 50, "text": "<p>Well done</p>"}])  # fmt: skip
            attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
            services.attempt_save(actor=learner, attempt=attempt, responses={1: {"choice": "b"}})
            during = selectors.review(Attempt.objects.get(pk=attempt.pk), viewer=learner)
            services.attempt_submit(actor=learner, attempt=attempt, responses={1: {"choice": "a"}})
            attempt.refresh_from_db()
        with time_machine.travel(T0 + timedelta(seconds=119), tick=False):
            immediately = selectors.review(attempt, viewer=learner)
        with time_machine.travel(T0 + timedelta(hours=1), tick=False):
            later = selectors.review(attempt, viewer=learner)
        with time_machine.travel(T0 + timedelta(days=1), tick=False):
            closed = selectors.review(attempt, viewer=learner)

    assert [r["moment"] for r in (during, immediately, later, closed)] == [
        "during",
        "immediately",
        "open",
        "closed",
    ]
    q = {name: r["questions"][0] for name, r in [("i", immediately), ("o", later), ("c", closed)]}
    assert q["i"]["state"] == "right"
    assert q["i"]["feedback"] == ["<p>Yes.</p>"]
    assert "right_answer" not in q["i"]
    assert "mark" not in q["i"]
    assert "general_feedback" not in q["i"]
    assert q["o"]["state"] == "complete"
    assert "feedback" not in q["o"]
    assert q["o"]["general_feedback"] == "<p>GF</p>"
    assert q["c"]["right_answer"] == "Paris"
    assert q["c"]["mark"] == "1.0000"
    assert "feedback" not in q["c"]
    assert "grade" not in immediately
    assert closed["grade"] == "100.0000"
    assert closed["overall_feedback"] == "<p>Well done</p>"
    assert "overall_feedback" not in later


def test_editors_review_everything(acme, acme_admin, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)], review={})
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_submit(actor=learner, attempt=attempt, responses={1: {"choice": "a"}})

        learner_view = selectors.review(Attempt.objects.get(pk=attempt.pk), viewer=learner)
        editor_view = selectors.review(Attempt.objects.get(pk=attempt.pk), viewer=acme_admin)

    assert learner_view["shown"] == []
    assert learner_view["questions"][0]["response"] is None
    assert editor_view["moment"] == "editor"
    assert editor_view["questions"][0]["right_answer"] == "Paris"


# --- regrade -----------------------------------------------------------------------------------------------


def fix_question(question, data):
    """A new latest version of `question` with `data` (what the bank does when a used question is edited)."""
    from apps.assessments.models import Question

    old = question.latest_version
    new = type(old).objects.create(
        question=question, number=old.number + 1, qtype=old.qtype, name=old.name, text=old.text,
        default_mark=old.default_mark, penalty=old.penalty, hints=old.hints, data=data,
    )  # fmt: skip
    Question.objects.filter(pk=question.pk).update(latest_version=new)
    return new


def test_regrade_dry_run_lists_changes_and_writes_nothing_then_applies(
    acme, acme_admin, course, category, learner
):
    from apps.assessments.baker_recipes import CHOICE_DATA

    with in_org(acme):
        question = make_question(category=category)
        quiz = quiz_of(course, [question, make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_submit(
            actor=learner, attempt=attempt, responses={1: {"choice": "b"}, 2: {"choice": "a"}}
        )
        fixed = [dict(o, fraction=1.0 if o["id"] == "b" else 0.0) for o in CHOICE_DATA["options"]]
        new = fix_question(question, {**CHOICE_DATA, "options": fixed})
        steps_before = AttemptStep.objects.count()

        plan = services.regrade_assessment(actor=acme_admin, assessment=quiz, dry_run=True)

        assert plan == [
            {
                "attempt_id": attempt.pk, "user_id": learner.pk, "attempt_number": 1,
                "old_grade": "50.0000", "new_grade": "100.0000",
                "questions": [{"slot": 1, "old_version": 1, "new_version": 2, "old_mark": "0.0000",
                               "new_mark": "1.0000", "old_state": "wrong", "new_state": "right"}],
            }
        ]  # fmt: skip
        assert AttemptStep.objects.count() == steps_before
        assert Attempt.objects.get(pk=attempt.pk).grade == Decimal("50")

        applied = services.regrade_attempt(actor=acme_admin, attempt=attempt)

        attempt.refresh_from_db()
        assert applied["new_grade"] == "100.0000"
        assert attempt.grade == Decimal("100")
        assert attempt.questions.get(slot=1).question_version_id == new.pk
        assert AssessmentGrade.objects.get(assessment=quiz, user=learner).grade == Decimal("100")
        graded = events("assessment.graded", attempt)
        assert len(graded) == 2
        assert sorted(e.payload["regrade"] for e in graded) == [False, True]
        assert services.regrade_assessment(actor=acme_admin, assessment=quiz, dry_run=True) == []
        with pytest.raises(PermissionDenied):
            services.regrade_assessment(actor=learner, assessment=quiz, dry_run=True)


def test_question_attempt_rows_are_ordered_by_slot(acme, course, category, learner):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category) for _ in range(3)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt

        assert list(QuestionAttempt.objects.filter(attempt=attempt).values_list("slot", flat=True)) == [
            1,
            2,
            3,
        ]


def test_a_co_teacher_of_another_branch_neither_sees_nor_grades_the_learner(acme, course, category, learner):
    from apps.core.errors import NotFound
    from tests.conftest import person

    south_teacher = person(acme, "south-teacher")
    with in_org(acme):
        course.co_teachers.add(south_teacher)
        quiz = quiz_of(course, [essay(category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_submit(actor=learner, attempt=attempt, responses={1: {"text": "<p>Mine</p>"}})

        assert list(selectors.grading_queue(viewer=south_teacher)) == []
        assert selectors.attempt_get(viewer=south_teacher, pk=attempt.pk) is None
        assert list(selectors.results_for(assessment=quiz, viewer=south_teacher)) == []
        with pytest.raises(NotFound):
            services.grade_manually(actor=south_teacher, attempt=attempt, slot=1, mark="1")
        assert services.regrade_assessment(actor=south_teacher, assessment=quiz, dry_run=True) == []


def test_a_check_after_the_deadline_submits_the_attempt_instead(acme, course, category, learner):
    with in_org(acme):
        with time_machine.travel(T0, tick=False):
            quiz = quiz_of(course, [make_question(category=category)], behaviour="interactive", time_limit=60)
            attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        with time_machine.travel(T0 + timedelta(seconds=60 + 61), tick=False):
            result = services.attempt_check(actor=learner, attempt=attempt, slot=1, response={"choice": "a"})

        assert (result.outcome, result.discarded, result.question) == ("finished", True, None)
        assert Attempt.objects.get(pk=attempt.pk).sum_marks == Decimal("0")
