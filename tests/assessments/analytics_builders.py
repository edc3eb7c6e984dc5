"""Attempts written directly as rows, for the item-analysis tests (the attempt engine's services are not
needed to test the statistics over what it stores).

    quiz, questions = statistics_quiz(course)          choice (1 mark), true/false (1), short answer (2)
    add_attempt(quiz, user, [1, 0, 2], number=1)       a finished attempt with these marks per slot
"""

from decimal import Decimal

from django.utils import timezone

from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.models import Attempt, QuestionAttempt, QuestionCategory

SHORT = {"answers": [{"text": "Paris", "fraction": 1.0, "feedback": ""}], "case_sensitive": False}


def statistics_quiz(course, *, marks=(1, 1, 2)):
    category = QuestionCategory.objects.create(course=course, name="Statistics")
    questions = [
        make_question(category=category, name="Capital"),
        make_question(category=category, qtype="truefalse", name="Sky", data={"correct": True}),
        make_question(category=category, qtype="shortanswer", name="City", data=SHORT, default_mark=2),
    ]
    quiz = make_quiz(course=course, questions=questions, marks=list(marks), title="Statistics quiz")
    return quiz, questions


def add_attempt(
    quiz,
    user,
    marks,
    *,
    number=1,
    state=Attempt.State.FINISHED,
    preview=False,
    responses=None,
    versions=None,
    grade=None,
):
    """An attempt with one QuestionAttempt per slot (slot i+1 gets marks[i]; None = needs grading). The
    grade defaults to the total out of 100 of the slots' marks."""
    slots = list(quiz.slots.select_related("question__latest_version").order_by("position"))
    total = sum(m for m in marks if m is not None)
    maximum = sum(float(s.mark) for s in slots) or 1
    ungraded = any(m is None for m in marks)
    attempt = Attempt.objects.create(
        assessment=quiz,
        user=user,
        number=number,
        state=state,
        preview=preview,
        finished_at=timezone.now() if state == Attempt.State.FINISHED else None,
        sum_marks=None if ungraded else Decimal(str(total)),
        grade=None if ungraded else Decimal(str(round(100 * total / maximum, 4) if grade is None else grade)),
        needs_grading=ungraded,
    )
    for index, (slot, mark) in enumerate(zip(slots, marks, strict=True)):
        version = (versions or {}).get(slot.position) or slot.question.latest_version
        response = (responses or {}).get(slot.position, {})
        fraction = None if mark is None else (mark / float(slot.mark) if slot.mark else 0.0)
        QuestionAttempt.objects.create(
            attempt=attempt,
            slot=index + 1,
            question_version=version,
            max_mark=slot.mark,
            response=response,
            state="needs_grading" if mark is None else ("right" if fraction == 1 else "wrong"),
            fraction=fraction,
            mark=None if mark is None else Decimal(str(mark)),
        )
    return attempt
