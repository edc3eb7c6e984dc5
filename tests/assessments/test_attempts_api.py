"""The attempts API (/api/v1): a learner takes a quiz without ever receiving an answer, a fraction or
feedback the review options do not allow, never sees another learner's attempt, and teachers read results,
grade essays and regrade. Query counts stay flat for a 50-question quiz."""

# The fixtures come from test_attempts_services (imported below), so test arguments shadow them by design.
# ruff: noqa: F811

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from model_bakery import baker

from apps.assessments.attempts import services
from apps.assessments.baker_recipes import make_question
from apps.assessments.models import Attempt
from tests.conftest import client_for, in_org, jwt_for, person

from .test_attempts_services import category, course, essay, learner, quiz_of, truefalse  # noqa: F401

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# One question of every type, with answers that must never reach a learner before review.
SECRETS = ("Photosynthesis", "3.14159")  # matching answers are shown: as choices, ids per attempt
TYPES = {
    "choice": None,
    "multiple": {
        "options": [
            {"id": "a", "text": "<p>Two</p>", "fraction": 0.5, "feedback": "<p>fb-a</p>"},
            {"id": "b", "text": "<p>Four</p>", "fraction": 0.5, "feedback": "<p>fb-b</p>"},
            {"id": "c", "text": "<p>Three</p>", "fraction": -1.0, "feedback": "<p>fb-c</p>"},
        ],
        "shuffle": True,
    },
    "truefalse": {"correct": True, "feedback_true": "<p>fb-true</p>", "feedback_false": "<p>fb-false</p>"},
    "shortanswer": {
        "answers": [{"text": "Photosynthesis", "fraction": 1.0, "feedback": "<p>fb-sa</p>"}],
        "case_sensitive": False,
    },
    "numeric": {
        "answers": [{"value": 3.14159, "tolerance": 0.001, "fraction": 1.0, "feedback": "<p>fb-num</p>"}],
        "units": [],
        "unit_required": False,
    },
    "matching": {
        "pairs": [
            {"id": "p1", "prompt": "<p>Cat</p>", "answer": "Meow-secret"},
            {"id": "p2", "prompt": "<p>Dog</p>", "answer": "Woof"},
        ],
        "distractors": ["Moo"],
        "shuffle": True,
    },
    "ordering": {
        "items": [
            {"id": "i1", "text": "First"},
            {"id": "i2", "text": "Second"},
            {"id": "i3", "text": "Third"},
        ],
        "scoring": "positions",
    },
    "essay": {
        "min_words": None,
        "max_words": None,
        "template": "",
        "grader_info": "<p>grader</p>",
        "format": "html",
    },
    "description": {},
}
FORBIDDEN_KEYS = {"fraction", "correct", "answers", "right_answer", "feedback", "general_feedback", "pairs",
                  "grader_info", "tolerance", "is_correct", "feedback_true", "feedback_false"}  # fmt: skip


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.fixture
def every_type_quiz(acme, course, category):
    with in_org(acme):
        questions = [
            make_question(category=category, qtype=code, data=data, general_feedback="<p>general-secret</p>")
            for code, data in TYPES.items()
        ]
        return quiz_of(course, questions, questions_per_page=0)


def test_a_learner_takes_a_quiz_through_the_api_and_never_receives_answers(acme, learner, every_type_quiz):
    client = api(acme, learner)
    quiz = every_type_quiz

    started = client.post(f"/api/v1/assessments/{quiz.pk}/attempts", {}, format="json")
    attempt_id = started.json()["data"]["id"]
    again = client.post(f"/api/v1/assessments/{quiz.pk}/attempts", {}, format="json")
    summary = client.get(f"/api/v1/attempts/{attempt_id}")
    page = client.get(f"/api/v1/attempts/{attempt_id}/pages/0")
    saved = client.post(
        f"/api/v1/attempts/{attempt_id}/answers",
        {"responses": {"1": {"choice": "b"}, "3": {"answer": "true"}, "4": {"text": "photosynthesis"}},
         "flags": {"2": True}},
        format="json",
    )  # fmt: skip
    page_after = client.get(f"/api/v1/attempts/{attempt_id}/pages/0")
    during_review = client.get(f"/api/v1/attempts/{attempt_id}/review")

    assert (started.status_code, again.status_code) == (201, 200)
    assert again.json()["data"]["id"] == attempt_id
    assert summary.json()["data"]["state"] == "inprogress"
    assert summary.json()["data"]["seconds_left"] is None
    assert saved.json()["data"]["outcome"] == "saved"
    assert saved.json()["data"]["changed"] == [1, 3, 4]
    for response in (started, summary, page, saved, page_after, during_review):
        assert response.status_code == 200 or response is started
        body = json.dumps(response.json())
        assert not (keys_of(response.json()) & FORBIDDEN_KEYS), keys_of(response.json()) & FORBIDDEN_KEYS
        assert not [secret for secret in SECRETS if secret in body]
        assert "general-secret" not in body
        assert "fb-" not in body
        assert "grader" not in body
    questions = page_after.json()["data"]["questions"]
    assert [q["qtype"] for q in questions] == list(TYPES)
    assert questions[0]["response"] == {"choice": "b"}
    assert questions[1]["flagged"] is True
    assert {q["state"] for q in questions[:4]} <= {"todo", "complete"}


def test_the_review_after_submitting_shows_what_the_options_allow(acme, learner, every_type_quiz):
    quiz = every_type_quiz
    with in_org(acme):
        quiz.review = {"attempt": ["immediately"], "marks": ["immediately"]}
        quiz.save()
    with time_machine.travel(T0, tick=False):
        client = api(acme, learner)  # a token issued at the frozen time
        attempt_id = client.post(f"/api/v1/assessments/{quiz.pk}/attempts", {}, format="json").json()["data"][
            "id"
        ]
        submitted = client.post(
            f"/api/v1/attempts/{attempt_id}/submit", {"responses": {"1": {"choice": "a"}}}, format="json"
        )
        review = client.get(f"/api/v1/attempts/{attempt_id}/review").json()["data"]

    assert submitted.json()["data"]["outcome"] == "finished"
    assert review["moment"] == "immediately"
    assert review["shown"] == ["attempt", "marks"]
    assert review["questions"][0]["mark"] == "1.0000"
    assert not (keys_of(review) & FORBIDDEN_KEYS)
    assert not [secret for secret in SECRETS if secret in json.dumps(review)]


def test_another_learners_attempt_answers_404_everywhere(acme, acme_admin, learner, course, category):
    other = person(acme, "south-student")
    with in_org(acme):
        baker.make_recipe("courses.enrollment", course=course, user=other)
        quiz = quiz_of(course, [make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
    client = api(acme, other)

    responses = [
        client.get(f"/api/v1/attempts/{attempt.pk}"),
        client.get(f"/api/v1/attempts/{attempt.pk}/pages/0"),
        client.get(f"/api/v1/attempts/{attempt.pk}/review"),
        client.post(
            f"/api/v1/attempts/{attempt.pk}/answers", {"responses": {"1": {"choice": "b"}}}, format="json"
        ),
        client.post(f"/api/v1/attempts/{attempt.pk}/submit", {}, format="json"),
    ]
    listed = client.get(f"/api/v1/assessments/{quiz.pk}/attempts")
    editor = api(acme, acme_admin).post(f"/api/v1/attempts/{attempt.pk}/submit", {}, format="json")

    assert [r.status_code for r in responses] == [404] * 5
    assert listed.json()["data"] == []
    assert editor.status_code == 403  # the editor sees it, but only its learner answers it
    with in_org(acme):
        assert Attempt.objects.get(pk=attempt.pk).state == "inprogress"


def test_the_seeds_submit_saves_the_body_and_submits_the_open_attempt(acme, learner, course, category):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category), truefalse(category)])
    client = api(acme, learner)

    response = client.post(
        f"/api/v1/assessments/{quiz.pk}/submit", {"responses": {"1": {"choice": "a"}, "2": {"answer": True}}},
        format="json",
    )  # fmt: skip

    assert response.status_code == 200
    assert response.json()["data"]["state"] == "finished"
    with in_org(acme):
        assert Attempt.objects.get(assessment=quiz).sum_marks == Decimal("2")


def test_the_time_left_comes_from_the_server_and_a_late_save_is_discarded(acme, learner, course, category):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)], time_limit=300)
    with time_machine.travel(T0, tick=False):
        client = api(acme, learner)  # a token issued at the frozen time
        attempt_id = client.post(f"/api/v1/assessments/{quiz.pk}/attempts", {}, format="json").json()["data"][
            "id"
        ]
    with time_machine.travel(T0 + timedelta(seconds=100), tick=False):
        left = client.get(f"/api/v1/attempts/{attempt_id}").json()["data"]["seconds_left"]
    with time_machine.travel(T0 + timedelta(seconds=300 + 61), tick=False):
        late = client.post(f"/api/v1/attempts/{attempt_id}/answers", {"responses": {"1": {"choice": "a"}}},
                           format="json").json()["data"]  # fmt: skip

    assert left == 200
    assert (late["outcome"], late["discarded"], late["state"]) == ("finished", True, "finished")


def test_interactive_check_through_the_api(acme, learner, course, category):
    with in_org(acme):
        question = make_question(category=category, hints=["<p>Try the Seine.</p>"])
        quiz = quiz_of(course, [question], behaviour="interactive")
    client = api(acme, learner)
    attempt_id = client.post(f"/api/v1/assessments/{quiz.pk}/attempts", {}, format="json").json()["data"][
        "id"
    ]

    wrong = client.post(
        f"/api/v1/attempts/{attempt_id}/check", {"slot": 1, "response": {"choice": "b"}}, format="json"
    )
    blank = client.post(f"/api/v1/attempts/{attempt_id}/check", {"slot": 1, "response": {}}, format="json")

    question = wrong.json()["data"]["question"]
    assert (question["state"], question["hint"], question["tries_left"]) == (
        "wrong",
        "<p>Try the Seine.</p>",
        1,
    )
    assert "right_answer" not in question
    assert "fraction" not in question
    assert blank.status_code == 400


def test_teachers_grade_essays_from_the_queue_and_read_results(acme, acme_admin, learner, course, category):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category), essay(category, default_mark=2)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_submit(
            actor=learner, attempt=attempt, responses={1: {"choice": "a"}, 2: {"text": "=cmd"}}
        )
    teacher = api(acme, acme_admin)

    queue = teacher.get("/api/v1/grading").json()["data"]
    per_quiz = teacher.get(f"/api/v1/assessments/{quiz.pk}/grading").json()["data"]
    refused = api(acme, learner).get("/api/v1/grading")
    bad = teacher.post(f"/api/v1/attempts/{attempt.pk}/questions/2/grade", {"mark": "5"}, format="json")
    graded = teacher.post(f"/api/v1/attempts/{attempt.pk}/questions/2/grade", {"mark": "1.5", "comment": "ok"},
                          format="json")  # fmt: skip
    results = teacher.get(f"/api/v1/assessments/{quiz.pk}/results")
    csv = teacher.get(f"/api/v1/assessments/{quiz.pk}/results?format=csv")
    finished_only = teacher.get(f"/api/v1/assessments/{quiz.pk}/results?state=abandoned")

    assert [(row["attempt"], row["slot"]) for row in queue] == [(attempt.pk, 2)]
    assert per_quiz == queue
    assert refused.status_code == 403
    assert bad.status_code == 400
    assert bad.json()["error"]["details"]["mark"]
    assert graded.json()["data"]["grade"] == "83.3333"
    assert graded.json()["data"]["needs_grading"] is False
    row = results.json()["data"][0]
    assert (row["grade"], [q["mark"] for q in row["questions"]]) == ("83.3333", ["1.0000", "1.5000"])
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "name,email,attempt,state,started_at,finished_at,sum_marks,grade,Q1 /1,Q2 /2"
    assert lines[1].startswith("Student,student@acme.example.com,1,finished,")
    assert finished_only.json()["data"] == []


def test_regrade_through_the_api_defaults_to_a_dry_run(acme, acme_admin, learner, course, category):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_submit(actor=learner, attempt=attempt, responses={1: {"choice": "a"}})
    teacher = api(acme, acme_admin)

    dry = teacher.post(f"/api/v1/assessments/{quiz.pk}/regrade", {}, format="json")
    one = teacher.post(f"/api/v1/attempts/{attempt.pk}/regrade", {"dry_run": False}, format="json")

    assert dry.json()["data"] == {"dry_run": True, "attempts": []}
    assert one.json()["data"] == {"dry_run": False, "attempts": []}


def test_query_counts_stay_flat_for_a_50_question_quiz(acme, learner, course, category):
    def counts(size: int) -> tuple[int, int, int]:
        with in_org(acme):
            questions = [make_question(category=category) for _ in range(size)]
            quiz = quiz_of(course, questions, questions_per_page=0)
        client = api(acme, learner)
        with CaptureQueriesContext(connection) as started:
            attempt_id = client.post(f"/api/v1/assessments/{quiz.pk}/attempts", {}, format="json").json()[
                "data"
            ]["id"]
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/api/v1/attempts/{attempt_id}/pages/0").status_code == 200
        answers = {str(n): {"choice": "a"} for n in range(1, size + 1)}
        with CaptureQueriesContext(connection) as submit:
            response = client.post(
                f"/api/v1/attempts/{attempt_id}/submit", {"responses": answers}, format="json"
            )
        assert response.json()["data"]["state"] == "finished"
        return len(started), len(page), len(submit)

    counts(1)  # the first requests warm per-process caches (the tenant, the role scope)
    small, large = counts(2), counts(50)

    assert small == large
