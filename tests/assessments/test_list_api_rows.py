"""The row readers of the quizzes list and detail (quizzes.selectors.assessment_rows) and of a quiz's results
and grading queue (attempts.selectors.result_rows, grading_rows, quizzes.selectors.assessment_key) answer what
the generic readers give (assessment_list, results_for, grading_queue): the same rows in the same order with
the same values, for an Org Admin, a branch manager, a teacher who edits some quizzes and learns in another
course, a learner and a stranger; missing and unseen quizzes answer 404; query counts stay flat."""

# The fixtures come from test_attempts_services (imported below), so test arguments shadow them by design.
# ruff: noqa: F811

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from apps.assessments.attempts import selectors as attempt_selectors
from apps.assessments.attempts import services as attempt_services
from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.models import Attempt, QuestionAttempt
from apps.assessments.quizzes import selectors
from apps.assessments.quizzes.serializers import AssessmentSerializer
from apps.courses import services as course_services
from apps.courses.models import ContentItem
from tests.conftest import client_for, in_org, jwt_for, person
from tests.courses.conftest import build_course

from .test_attempts_services import category, course, essay, learner  # noqa: F401

pytestmark = pytest.mark.django_db

FEEDBACK = [{"min_percent": 80.5, "text": "<p>Très bien</p>"}, {"min_percent": 0, "text": "Again"}]


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def listed(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def as_json(data):
    return json.loads(json.dumps(data))


def generic_quiz_rows(viewer) -> list[dict]:
    """assessment_list()'s quizzes as the API wrote them from it: the lesson's module, titles and flag read
    from the loaded lesson and its published version."""
    quizzes = list(selectors.assessment_list(viewer=viewer).select_related("item__published_version"))
    for quiz in quizzes:
        item = quiz.item
        quiz.item_module_id, quiz.item_title = item.module_id, item.title
        quiz.item_published = item.published_version_id is not None
        quiz.published_title = item.published_version.title if item.published_version_id else None
    return as_json(AssessmentSerializer(quizzes, many=True, context={}).data)


@pytest.fixture
def quizzes(acme, acme_teacher, acme_student, category):
    """In the teacher's course: a quiz with two slots and an attempt, a draft renamed since it was
    published, a quiz with its own review and feedback bands and a preview only. In another teacher's
    course, which the teacher and the student learn in: one quiz."""
    own = build_course(acme, owner=acme_teacher, title="Own", modules=1, items_per_module=1)
    other = build_course(acme, owner=person(acme, "south-teacher"), title="Other", modules=1)
    with in_org(acme):
        questions = [make_question(category=category), make_question(category=category)]
        marked = make_quiz(course=own, title="Marked", questions=questions, marks=[Decimal("1.5"), 2])
        draft = make_quiz(course=own, title="Draft")
        ContentItem.objects.filter(pk=draft.item_id).update(published_version=None, title="Draft, renamed")
        settings = make_quiz(
            course=own,
            title="Settings",
            review={"attempt": ["during", "closed"], "marks": ["closed"]},
            overall_feedback=FEEDBACK,
            shuffle_questions=True,
            shuffle_answers=False,
        )
        elsewhere = make_quiz(course=other, title="Elsewhere", questions=[make_question(category=category)])
        for viewer in (acme_student, acme_teacher):
            course_services.enroll_self(actor=viewer, course=other)
        course_services.enroll_self(actor=acme_student, course=own)
        attempt_services.attempt_start(actor=acme_student, assessment=marked)
        attempt_services.attempt_start(actor=acme_teacher, assessment=settings, preview=True)
    return {"marked": marked, "draft": draft, "settings": settings, "elsewhere": elsewhere}


def test_the_quiz_list_and_details_are_the_generic_readers_rows(
    acme, acme_admin, acme_manager, acme_teacher, acme_student, quizzes
):
    south_teacher = person(acme, "south-teacher")
    for viewer in (acme_admin, acme_manager, acme_teacher, acme_student, south_teacher):
        with in_org(acme):
            expected = generic_quiz_rows(viewer)
        client = api(acme, viewer)

        rows = listed(client, "/api/v1/assessments?per_page=100")

        assert rows == expected, viewer.email
        for row in rows:
            detail = client.get(f"/api/v1/assessments/{row['id']}").json()["data"]
            assert {**detail, "effective": None} == row
    teacher_rows = {row["title"]: row for row in listed(api(acme, acme_teacher), "/api/v1/assessments")}
    assert teacher_rows["Elsewhere"].get("viewer_edits") is None  # learns there: the summary only
    assert teacher_rows["Settings"]["overall_feedback"] == FEEDBACK
    assert teacher_rows["Marked"]["total_marks"] == "3.5000"
    assert teacher_rows["Marked"]["has_attempts"] is True
    assert teacher_rows["Settings"]["has_attempts"] is False  # a preview only
    assert teacher_rows["Draft, renamed"]["published"] is False
    student_titles = [row["title"] for row in listed(api(acme, acme_student), "/api/v1/assessments")]
    assert sorted(student_titles) == ["Elsewhere", "Marked", "Settings"]


def test_the_quiz_lists_pages_and_sorts_are_the_generic_readers(acme, acme_teacher, quizzes):
    client = api(acme, acme_teacher)
    everything = listed(client, "/api/v1/assessments?per_page=100")
    newest = listed(client, "/api/v1/assessments?sort=-created_at&per_page=100")

    assert listed(client, "/api/v1/assessments?per_page=2&page=2") == everything[2:4]
    assert [row["id"] for row in newest] == sorted((row["id"] for row in everything), reverse=True)
    assert listed(client, f"/api/v1/assessments?filter[course]={quizzes['draft'].course_id}") == [
        row for row in everything if row["course_id"] == quizzes["draft"].course_id
    ]


def test_the_quiz_lists_query_count_stays_flat(acme, acme_teacher, acme_student, category):
    own = build_course(acme, owner=acme_teacher, title="Many", modules=1, items_per_module=1)
    with in_org(acme):
        course_services.enroll_self(actor=acme_student, course=own)

    def counts(total: int) -> list[int]:
        with in_org(acme):
            while selectors.assessment_list(viewer=acme_teacher).count() < total:
                make_quiz(course=own, questions=[make_question(category=category)])
        found = []
        for viewer in (acme_teacher, acme_student):
            client = api(acme, viewer)
            client.get("/api/v1/assessments")  # warm the per-process caches (tenant, role scope)
            with CaptureQueriesContext(connection) as captured:
                assert len(listed(client, f"/api/v1/assessments?per_page={total}")) == total
            found.append(len(captured))
        return found

    assert counts(5) == counts(50)


# --- results and grading -----------------------------------------------------------------------------------


def _time(value):
    return serializers.DateTimeField().to_representation(value) if value else None


def generic_result_rows(quiz, viewer) -> list[dict]:
    """results_for()'s attempts as the API wrote them, the marks per question read as objects."""
    rows = []
    attempts = attempt_selectors.results_for(assessment=quiz, viewer=viewer).prefetch_related("questions")
    for attempt in attempts:
        questions = sorted(attempt.questions.all(), key=lambda qa: qa.slot)
        rows.append(
            {
                "id": attempt.pk,
                "user": {
                    "id": attempt.user_id,
                    "full_name": attempt.user.full_name,
                    "email": attempt.user.email,
                },
                "number": attempt.number,
                "state": attempt.state,
                "started_at": _time(attempt.started_at),
                "finished_at": _time(attempt.finished_at),
                "needs_grading": attempt.needs_grading,
                "sum_marks": None if attempt.sum_marks is None else str(attempt.sum_marks),
                "grade": None if attempt.grade is None else str(attempt.grade),
                "questions": [
                    {
                        "slot": qa.slot,
                        "state": qa.state,
                        "mark": None if qa.mark is None else str(qa.mark),
                        "max_mark": str(qa.max_mark),
                    }
                    for qa in questions
                ],
            }
        )
    return rows


@pytest.fixture
def taken(acme, acme_teacher, acme_student, category):
    """A quiz of the teacher's course (a choice and an essay): the student submitted, the essay waits for a
    mark; a second student's attempt is in progress, the teacher's preview is not a result."""
    own = build_course(acme, owner=acme_teacher, title="Taken", modules=1, items_per_module=1)
    other_learner = person(acme, "south-student")  # a learner an Org Admin sees, the teacher does not
    with in_org(acme):
        quiz = make_quiz(
            course=own, questions=[make_question(category=category), essay(category, default_mark=2)]
        )
        for viewer in (acme_student, other_learner):
            course_services.enroll_self(actor=viewer, course=own)
        attempt = attempt_services.attempt_start(actor=acme_student, assessment=quiz).attempt
        attempt_services.attempt_submit(
            actor=acme_student, attempt=attempt, responses={1: {"choice": "a"}, 2: {"text": "Because."}}
        )
        attempt_services.attempt_start(actor=other_learner, assessment=quiz)
        attempt_services.attempt_start(actor=acme_teacher, assessment=quiz, preview=True)
    return quiz


def test_results_and_grading_are_the_generic_readers_rows(acme, acme_admin, acme_teacher, taken):
    for viewer in (acme_admin, acme_teacher):
        with in_org(acme):
            expected = generic_result_rows(taken, viewer)
            queue = list(attempt_selectors.grading_queue(viewer=viewer, assessment=taken))
        client = api(acme, viewer)

        results = listed(client, f"/api/v1/assessments/{taken.pk}/results?per_page=100")
        grading = listed(client, f"/api/v1/assessments/{taken.pk}/grading?per_page=100")

        assert results == expected
        assert len(results) == (2 if viewer == acme_admin else 1)
        assert [row["questions"][1]["mark"] for row in results if row["state"] == "finished"] == [None]
        assert [(row["id"], row["attempt"], row["slot"]) for row in grading] == [
            (qa.pk, qa.attempt_id, qa.slot) for qa in queue
        ]
        assert [(row["assessment"], row["course"], row["user"]["id"]) for row in grading] == [
            (taken.pk, taken.course_id, qa.attempt.user_id) for qa in queue
        ]
        assert listed(client, f"/api/v1/assessments/{taken.pk}/results?per_page=1&page=1") == expected[:1]


def test_results_of_a_graded_attempt_write_the_marks_as_stored(acme, acme_admin, acme_teacher, taken):
    with in_org(acme):
        attempt = Attempt.objects.get(assessment=taken, state=Attempt.State.FINISHED)
        QuestionAttempt.objects.filter(attempt=attempt, slot=2).update(mark=Decimal("0.0001"))
        expected = generic_result_rows(taken, acme_admin)

    results = listed(api(acme, acme_admin), f"/api/v1/assessments/{taken.pk}/results")

    assert results == expected
    [graded] = [row for row in results if row["id"] == attempt.pk]
    assert graded["questions"][1]["mark"] == "0.0001"


def test_results_and_grading_of_a_missing_or_unseen_quiz_answer_404(
    acme, acme_admin, acme_teacher, acme_student, taken
):
    admin, stranger = api(acme, acme_admin), api(acme, person(acme, "south-teacher"))
    for path in ("results", "grading"):
        assert admin.get(f"/api/v1/assessments/999999/{path}").status_code == 404
        assert admin.get(f"/api/v1/assessments/99999999999999999999/{path}").status_code == 404
        assert stranger.get(f"/api/v1/assessments/{taken.pk}/{path}").status_code == 404
        assert api(acme, acme_student).get(f"/api/v1/assessments/{taken.pk}/{path}").status_code == 403
    csv = admin.get(f"/api/v1/assessments/{taken.pk}/results?format=csv")
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").splitlines()[0].endswith(",Q1 /1,Q2 /2")


def test_results_query_count_stays_flat(acme, acme_admin, acme_teacher, acme_student, category):
    own = build_course(acme, owner=acme_teacher, title="Crowd", modules=1, items_per_module=1)
    with in_org(acme):
        quiz = make_quiz(course=own, questions=[make_question(category=category)])
        course_services.enroll_self(actor=acme_student, course=own)

    def counts(total: int) -> list[int]:
        with in_org(acme):
            while Attempt.objects.filter(assessment=quiz).count() < total:
                number = Attempt.objects.filter(assessment=quiz).count() + 1
                Attempt.objects.create(
                    assessment=quiz,
                    user=acme_student,
                    number=number,
                    layout=[[1]],
                    state=Attempt.State.FINISHED,
                )
        found = []
        for viewer in (acme_admin, acme_teacher):
            client = api(acme, viewer)
            client.get(f"/api/v1/assessments/{quiz.pk}/results")  # warm the per-process caches
            with CaptureQueriesContext(connection) as captured:
                assert len(listed(client, f"/api/v1/assessments/{quiz.pk}/results?per_page={total}")) == total
            found.append(len(captured))
        return found

    small = counts(5)
    assert small == counts(50)
    assert small[0] <= 3  # an Org Admin: their user, the quiz, the page with its marks
