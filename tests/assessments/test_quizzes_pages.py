"""The quiz lesson kind (registration, the course editor's button, the player part) and the editors' quiz
pages: create, overview, settings, builder and overrides, through GET and form POSTs."""

import re
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from model_bakery import baker

from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.models import Assessment, Attempt, Override, Slot
from apps.courses import services as course_services
from apps.courses.kinds import kind_for
from apps.courses.models import ContentItem
from tests.conftest import browser_for, in_org, person
from tests.courses.conftest import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(acme, acme_teacher, acme_student):
    course = build_course(acme, owner=acme_teacher, title="Quiz course", modules=1, items_per_module=1)
    with in_org(acme):
        course_services.enroll_self(actor=acme_student, course=course)
    return course


@pytest.fixture
def quiz(acme, course):
    with in_org(acme):
        category = baker.make_recipe("assessments.category", course=course, name="Capitals")
        questions = [make_question(category=category, name=f"Capital {i}") for i in range(3)]
        return make_quiz(
            course=course,
            questions=questions,
            title="Capitals quiz",
            time_limit=1800,
            attempts_allowed=3,
            pass_grade=60,
        )


@pytest.fixture
def teacher(acme, acme_teacher):
    return browser_for(acme, acme_teacher)


@pytest.fixture
def student(acme, acme_student):
    return browser_for(acme, acme_student)


def body_of(response) -> str:
    return response.content.decode()


def slots_of(acme, quiz):
    with in_org(acme):
        return list(Slot.objects.filter(assessment=quiz).order_by("position"))


# --- the lesson kind ---------------------------------------------------------------------------------------


def test_the_quiz_kind_is_registered_by_assessments():
    kind = kind_for("quiz")

    assert kind.completion == "external"
    assert kind.manual_completion is False
    assert kind.offered is True
    assert kind.player_template == "assessments/quizzes/player.html"
    assert kind.create_view == "assessments:quiz_create"


def test_the_course_editor_offers_a_quiz_through_its_own_page(acme, course, teacher):
    with in_org(acme):
        module = course.modules.first()

    editor = body_of(teacher.get(f"/courses/{course.pk}/edit/"))
    lesson_form = teacher.get(f"/courses/{course.pk}/modules/{module.pk}/content/new/quiz/")

    assert f'href="/quizzes/new/{module.pk}/"' in editor
    assert lesson_form.status_code == 404


def test_the_player_shows_the_quiz_summary_and_no_mark_as_complete(acme, course, quiz, student):
    body = body_of(student.get(f"/courses/{course.pk}/learn/{quiz.item_id}/"))

    assert 'id="quiz-panel"' in body
    assert 'id="mark-complete"' not in body
    assert "completed when you pass the quiz" in body
    assert re.search(r'id="quiz-time-limit">30 minutes<', body)
    assert re.search(r'id="quiz-attempts">0 of 3 used<', body)
    assert re.search(r'id="quiz-pass-mark">60.00 / 100.00<', body)
    assert "Highest grade" in body
    assert "Capital 0" not in body
    try:
        start = reverse("assessments:attempt_start", args=[quiz.pk])
    except NoReverseMatch:  # the attempts part's route not there yet: no button to post to
        assert 'id="quiz-start"' not in body
    else:
        assert f'action="{start}"' in body
        assert 'id="quiz-start"' in body


def test_the_player_lists_the_learners_attempts_and_says_when_none_are_left(
    acme, acme_student, course, quiz, student
):
    with in_org(acme):
        Assessment.objects.filter(pk=quiz.pk).update(attempts_allowed=1)
        Attempt.objects.create(
            assessment=quiz, user=acme_student, number=1, state="finished", grade=Decimal("70")
        )

    body = body_of(student.get(f"/courses/{course.pk}/learn/{quiz.item_id}/"))

    assert 'id="quiz-my-attempts"' in body
    assert "70.00" in body
    assert 'id="quiz-no-attempts-left"' in body
    assert 'id="quiz-start"' not in body


# --- create ------------------------------------------------------------------------------------------------


def test_create_page_makes_the_quiz_and_goes_to_the_builder(acme, course, teacher):
    with in_org(acme):
        module = course.modules.first()
    url = f"/quizzes/new/{module.pk}/"
    form = {
        "title": "New quiz",
        "time_limit_minutes": "20",
        "overdue_handling": "autosubmit",
        "grace_period_minutes": "1440",
        "attempts_allowed": "2",
        "attempt_delay_minutes": "0",
        "grade_method": "highest",
        "max_grade": "10",
        "pass_grade": "5",
        "decimal_points": "2",
        "questions_per_page": "1",
        "navigation": "free",
        "behaviour": "deferred",
        "shuffle_answers": "on",
        "review_marks_closed": "on",
        "band_0_percent": "50",
        "band_0_text": "Good",
    }

    page = teacher.get(url)
    response = teacher.post(url, {**form, "publish": "1"})
    bad = teacher.post(url, {**form, "pass_grade": "50"})

    assert page.status_code == 200
    assert 'name="review_marks_closed"' in body_of(page)
    assert response.status_code == 302
    with in_org(acme):
        quiz = Assessment.objects.get(item__title="New quiz")
        assert response["Location"] == f"/quizzes/{quiz.pk}/builder/"
        assert (quiz.time_limit, quiz.attempts_allowed, quiz.max_grade) == (1200, 2, Decimal("10"))
        assert quiz.review["marks"] == ["closed"]
        assert quiz.review["right_answer"] == []
        assert quiz.overall_feedback == [{"min_percent": 50.0, "text": "Good"}]
        assert quiz.item.published_version_id is not None
    assert bad.status_code == 400
    assert "The pass mark cannot be above the maximum grade." in body_of(bad)


@pytest.mark.parametrize(("who", "status"), [("student", 403), ("south-teacher", 404), ("orgadmin", 200)])
def test_only_the_courses_editors_may_create_a_quiz(acme, course, who, status):
    with in_org(acme):
        module = course.modules.first()

    response = browser_for(acme, person(acme, who)).get(f"/quizzes/new/{module.pk}/")

    assert response.status_code == status


# --- overview and settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["", "settings/", "builder/", "overrides/"])
def test_editor_pages_open_for_editors_and_not_for_learners(acme, quiz, teacher, student, page):
    mine = teacher.get(f"/quizzes/{quiz.pk}/{page}")
    theirs = student.get(f"/quizzes/{quiz.pk}/{page}")
    stranger = browser_for(acme, person(acme, "south-student")).get(f"/quizzes/{quiz.pk}/{page}")

    assert mine.status_code == 200
    assert "Capitals quiz" in body_of(mine)
    assert theirs.status_code == 403
    assert stranger.status_code == 404


def test_settings_page_saves_and_shows_errors(acme, quiz, teacher):
    url = f"/quizzes/{quiz.pk}/settings/"
    page = teacher.get(url)
    values = dict(
        re.findall(
            r'<input type="(?:text|number|datetime-local)" name="(\w+)" value="([^"]*)"', body_of(page)
        )
    )
    form = {
        **values,
        "title": "Capitals, again",
        "overdue_handling": "graceperiod",
        "grace_period_minutes": "0",
        "grade_method": "average",
        "navigation": "sequential",
        "behaviour": "interactive",
        "attempts_allowed": "0",
    }

    bad = teacher.post(url, form)
    good = teacher.post(url, {**form, "grace_period_minutes": "10"})

    assert bad.status_code == 400
    assert "A grace period is at least 60 seconds." in body_of(bad)
    assert good.status_code == 302
    with in_org(acme):
        fresh = Assessment.objects.select_related("item").get(pk=quiz.pk)
        assert (fresh.item.title, fresh.grace_period, fresh.grade_method, fresh.behaviour) == (
            "Capitals, again",
            600,
            "average",
            "interactive",
        )


def test_overview_summarizes_settings_and_questions(quiz, teacher):
    body = body_of(teacher.get(f"/quizzes/{quiz.pk}/"))

    assert 'id="quiz-settings-summary"' in body
    assert "30 minutes" in body
    assert re.search(r'id="quiz-question-count">3 questions, 3 pages<', body)


# --- builder -----------------------------------------------------------------------------------------------


def test_builder_lists_bank_questions_and_adds_the_ticked_ones(acme, course, quiz, teacher):
    with in_org(acme):
        category = Slot.objects.filter(assessment=quiz).first().question.category
        new = make_question(category=category, name="Capital of Peru")

    found = body_of(teacher.get(f"/quizzes/{quiz.pk}/builder/?q=Peru"))
    added = teacher.post(f"/quizzes/{quiz.pk}/builder/add/", {"questions": [str(new.pk)]})

    assert f'name="questions" value="{new.pk}"' in found
    assert "Capital 0</label>" not in found
    assert added.status_code == 302
    assert slots_of(acme, quiz)[-1].question_id == new.pk


def test_builder_adds_random_questions_or_says_how_many_there_are(acme, quiz, teacher):
    with in_org(acme):
        category = Slot.objects.filter(assessment=quiz).first().question.category

    refused = teacher.post(
        f"/quizzes/{quiz.pk}/builder/random/", {"category": category.pk, "count": "7", "subcategories": "on"}
    )
    added = teacher.post(
        f"/quizzes/{quiz.pk}/builder/random/", {"category": category.pk, "count": "2", "subcategories": "on"}
    )

    assert refused.status_code == 422
    assert "This category has 3 eligible questions; 7 were asked for." in body_of(refused)
    assert added.status_code == 302
    assert [slot.is_random for slot in slots_of(acme, quiz)] == [False, False, False, True, True]


def test_builder_marks_moves_removes_and_pages(acme, quiz, teacher):
    first, second, third = slots_of(acme, quiz)
    base = f"/quizzes/{quiz.pk}/builder/"

    teacher.post(f"{base}{first.pk}/mark/", {"mark": "2.5"})
    teacher.post(f"{base}{third.pk}/move/", {"direction": "up"})
    teacher.post(f"{base}repaginate/", {"per_page": "0"})
    teacher.post(f"{base}breaks/", {"after": "1", "present": "1"})
    teacher.post(f"{base}{second.pk}/remove/")

    slots = slots_of(acme, quiz)
    assert [slot.pk for slot in slots] == [first.pk, third.pk]
    assert [slot.page for slot in slots] == [1, 2]
    assert slots[0].mark == Decimal("2.5")


def test_builder_says_the_structure_is_locked_once_attempted(acme, acme_student, quiz, teacher):
    first = slots_of(acme, quiz)[0]
    with in_org(acme):
        Attempt.objects.create(assessment=quiz, user=acme_student, number=1)

    page = body_of(teacher.get(f"/quizzes/{quiz.pk}/builder/"))
    removed = teacher.post(f"/quizzes/{quiz.pk}/builder/{first.pk}/remove/", follow=True)
    marked = teacher.post(f"/quizzes/{quiz.pk}/builder/{first.pk}/mark/", {"mark": "3"})

    assert 'id="quiz-locked"' in page
    assert "/remove/" not in page
    assert "its questions and pages can no longer change" in body_of(removed)
    assert len(slots_of(acme, quiz)) == 3
    assert marked.status_code == 302
    assert slots_of(acme, quiz)[0].mark == Decimal(3)


def test_builder_actions_refuse_learners(acme, quiz, student):
    first = slots_of(acme, quiz)[0]

    response = student.post(f"/quizzes/{quiz.pk}/builder/{first.pk}/remove/")

    assert response.status_code == 403
    assert len(slots_of(acme, quiz)) == 3


# --- overrides ---------------------------------------------------------------------------------------------


def test_overrides_page_adds_edits_and_deletes(acme, acme_student, quiz, teacher):
    base = f"/quizzes/{quiz.pk}/overrides/"

    page = body_of(teacher.get(base))
    added = teacher.post(base, {"user": str(acme_student.pk), "time_limit_minutes": "45"})
    twice = teacher.post(base, {"user": str(acme_student.pk), "attempts_allowed": "1"})
    with in_org(acme):
        override = Override.objects.get(assessment=quiz)
    edited = teacher.post(f"{base}{override.pk}/", {"attempts_allowed": "0", "time_limit_minutes": "45"})
    listing = body_of(teacher.get(base))
    deleted = teacher.post(f"{base}{override.pk}/delete/")

    assert acme_student.email in page
    assert added.status_code == 302
    assert twice.status_code == 400
    assert "already has an override" in body_of(twice)
    assert edited.status_code == 302
    assert "45 minutes" in listing
    assert "Unlimited" in listing
    assert deleted.status_code == 302
    with in_org(acme):
        assert not Override.objects.filter(assessment=quiz).exists()


def test_deleting_the_lesson_in_the_course_editor_deletes_the_quiz(acme, course, quiz, teacher):
    response = teacher.post(f"/courses/{course.pk}/content/{quiz.item_id}/delete/")

    assert response.status_code == 302
    with in_org(acme):
        assert not ContentItem.objects.filter(pk=quiz.item_id).exists()
        assert not Assessment.objects.filter(pk=quiz.pk).exists()
