"""The attempt pages: a learner starts from the quiz lesson, answers a page as a plain form (no JavaScript
needed), reaches the summary, submits and reviews; teachers read results (CSV), grade essays from the
queue, regrade with a dry run and reopen an abandoned attempt. No inline script anywhere (CSP)."""

# The fixtures come from test_attempts_services (imported below), so test arguments shadow them by design.
# ruff: noqa: F811

import re
from decimal import Decimal

from model_bakery import baker

from apps.assessments.attempts import services
from apps.assessments.baker_recipes import make_question
from apps.assessments.models import Attempt
from tests.conftest import browser_for, in_org, person

from .test_attempts_services import category, course, essay, learner, quiz_of  # noqa: F401

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def no_inline_script(response) -> bool:
    html = response.content.decode()
    return not INLINE_SCRIPT.search(html) and " onclick=" not in html and " onsubmit=" not in html


def test_a_learner_takes_a_quiz_with_plain_forms(acme, learner, course, category):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category), make_question(category=category, text="<p>Second?</p>")],
                       questions_per_page=1, time_limit=600)  # fmt: skip
    browser = browser_for(acme, learner)

    started = browser.post(f"/quizzes/{quiz.pk}/start/")
    with in_org(acme):
        attempt = Attempt.objects.get(assessment=quiz)
    take = browser.get(f"/attempts/{attempt.pk}/")
    saved = browser.post(
        f"/attempts/{attempt.pk}/save/",
        {"page": "0", "slots": "1", "q1-choice": "a", "q1-flag": "1", "go": "1"},
    )
    second = browser.get(saved["Location"])
    to_summary = browser.post(
        f"/attempts/{attempt.pk}/save/", {"page": "1", "slots": "2", "q2-choice": "b", "go": "summary"}
    )
    summary = browser.get(f"/attempts/{attempt.pk}/summary/")
    time = browser.get(f"/attempts/{attempt.pk}/time")
    submitted = browser.post(f"/attempts/{attempt.pk}/submit/")
    review = browser.get(f"/attempts/{attempt.pk}/review/")

    assert started.status_code == 302
    assert started["Location"] == f"/attempts/{attempt.pk}/?page=0"
    assert take.status_code == 200
    assert "What is the capital of France?" in take.content.decode()
    assert 'name="q1-choice"' in take.content.decode()
    assert "assessments/attempt.js" in take.content.decode()
    assert 'id="quiz-timer"' in take.content.decode()
    assert "Second?" in second.content.decode()
    assert to_summary["Location"] == f"/attempts/{attempt.pk}/summary/"
    assert summary.status_code == 200
    assert "Submit all and finish" in summary.content.decode()
    assert time.json()["state"] == "inprogress"
    assert 0 < time.json()["seconds_left"] <= 600
    assert submitted["Location"] == f"/attempts/{attempt.pk}/review/"
    assert review.status_code == 200
    for response in (take, second, summary, review):
        assert no_inline_script(response)
    with in_org(acme):
        attempt.refresh_from_db()
        assert (attempt.state, attempt.sum_marks) == ("finished", Decimal("1"))
        assert attempt.questions.get(slot=1).flagged


def test_sequential_navigation_never_goes_back(acme, learner, course, category):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category) for _ in range(3)], navigation="sequential")
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
    browser = browser_for(acme, learner)

    browser.post(f"/attempts/{attempt.pk}/save/", {"page": "0", "slots": "1", "q1-choice": "a", "go": "1"})
    back = browser.get(f"/attempts/{attempt.pk}/?page=0")
    changed = browser.post(
        f"/attempts/{attempt.pk}/save/", {"page": "0", "slots": "1", "q1-choice": "b", "go": "0"}
    )

    assert 'name="q2-choice"' in back.content.decode()
    assert 'name="q1-choice"' not in back.content.decode()
    assert 'id="quiz-previous"' not in back.content.decode()
    assert changed.status_code == 302
    with in_org(acme):
        assert attempt.questions.get(slot=1).response == {"choice": "a"}
        assert Attempt.objects.get(pk=attempt.pk).current_page == 1


def test_interactive_check_button_on_the_page(acme, learner, course, category):
    with in_org(acme):
        quiz = quiz_of(
            course, [make_question(category=category, hints=["<p>Seine</p>"])], behaviour="interactive"
        )
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
    browser = browser_for(acme, learner)

    checked = browser.post(f"/attempts/{attempt.pk}/check/1/", {"page": "0", "slots": "1", "q1-choice": "b"})
    page = browser.get(f"/attempts/{attempt.pk}/")

    assert checked.status_code == 302
    assert "<p>Seine</p>" in page.content.decode()
    assert "Try again" in page.content.decode()
    with in_org(acme):
        assert attempt.questions.get().tries == 1


def test_another_learner_gets_404_and_an_editor_is_sent_to_the_review(
    acme, acme_admin, learner, course, category
):
    other = person(acme, "south-student")
    with in_org(acme):
        baker.make_recipe("courses.enrollment", course=course, user=other)
        quiz = quiz_of(course, [make_question(category=category)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
    intruder = browser_for(acme, other)

    pages = [
        intruder.get(f"/attempts/{attempt.pk}/{suffix}") for suffix in ("", "summary/", "review/", "time")
    ]
    posts = [
        intruder.post(f"/attempts/{attempt.pk}/{suffix}", {"slots": "1", "q1-choice": "b"})
        for suffix in ("save/", "submit/", "check/1/")
    ]
    editor = browser_for(acme, acme_admin).get(f"/attempts/{attempt.pk}/")

    assert [r.status_code for r in pages + posts] == [404] * 7
    assert editor["Location"] == f"/attempts/{attempt.pk}/review/"


def test_teachers_results_grading_regrade_and_reopen(acme, acme_admin, learner, course, category):
    with in_org(acme):
        quiz = quiz_of(course, [make_question(category=category), essay(category, default_mark=2)])
        attempt = services.attempt_start(actor=learner, assessment=quiz).attempt
        services.attempt_submit(
            actor=learner, attempt=attempt, responses={1: {"choice": "a"}, 2: {"text": "<p>Mine</p>"}}
        )
        abandoned = services.attempt_start(actor=learner, assessment=quiz).attempt
        Attempt.objects.filter(pk=abandoned.pk).update(state="abandoned")
    teacher = browser_for(acme, acme_admin)
    student = browser_for(acme, learner)

    results = teacher.get(f"/quizzes/{quiz.pk}/results/")
    filtered = teacher.get(f"/quizzes/{quiz.pk}/results/?state=abandoned")
    csv = teacher.get(f"/quizzes/{quiz.pk}/results/?format=csv")
    queue = teacher.get("/grading/")
    per_quiz = teacher.get(f"/quizzes/{quiz.pk}/grading/")
    form = teacher.get(f"/attempts/{attempt.pk}/grade/2/")
    too_high = teacher.post(f"/attempts/{attempt.pk}/grade/2/", {"mark": "3", "comment": ""})
    graded = teacher.post(f"/attempts/{attempt.pk}/grade/2/", {"mark": "1", "comment": "<p>Fine</p>"})
    dry = teacher.get(f"/quizzes/{quiz.pk}/regrade/")
    dry_run = teacher.post(f"/quizzes/{quiz.pk}/regrade/", {"dry_run": "on"})
    reopened = teacher.post(f"/attempts/{abandoned.pk}/reopen/")

    assert results.status_code == 200
    assert "Requires grading" in results.content.decode()
    assert filtered.content.decode().count(f"/attempts/{abandoned.pk}/review/") == 1
    assert f"/attempts/{attempt.pk}/review/" not in filtered.content.decode()
    assert csv["Content-Type"].startswith("text/csv")
    assert "<p>Mine</p>" in form.content.decode()
    assert "Explain." in form.content.decode()
    assert f"/attempts/{attempt.pk}/grade/2/" in queue.content.decode()
    assert per_quiz.status_code == 200
    assert too_high.status_code == 200
    assert "errorlist" in too_high.content.decode()
    assert graded.status_code == 302
    assert dry.status_code == 200
    assert dry_run.status_code == 200
    assert "Nothing would change." in dry_run.content.decode()
    assert reopened.status_code == 302
    for page in ("/grading/", f"/quizzes/{quiz.pk}/results/", f"/quizzes/{quiz.pk}/regrade/"):
        assert student.get(page).status_code == 403
    with in_org(acme):
        attempt.refresh_from_db()
        assert (attempt.needs_grading, attempt.grade) == (False, Decimal("66.6667"))
        assert Attempt.objects.get(pk=abandoned.pk).state == "inprogress"
