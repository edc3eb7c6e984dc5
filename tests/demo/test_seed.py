"""`manage.py seed_demo` (apps/demo): says what it created, step by step, and a second run creates nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.demo.seed import ORGANIZATION_STEPS
from tests.conftest import browser_for, in_org

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def first_run(demo_seed, acme, globex):
    """The demo, seeded once for this module (tests/conftest.py: demo_seed); each test's changes are undone."""
    return demo_seed


def created(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.startswith("  ") and ": " in line[:12]]


def test_the_people_come_before_the_courses_that_need_them():
    assert [name for name, _ in ORGANIZATION_STEPS] == [
        "branches, classes and people",
        "courses, covers, enrollments and learners part-way through",
        "an API key for a reporting dashboard",
        "a question bank, a quiz and the class's attempts",
    ]


def test_it_says_what_it_created(first_run, globex):
    from apps.accounts.models import User

    lines = created(first_run)

    assert "acme: class 'Algebra 1'" in lines  # the test's acme has its branches, not the demo's classes
    assert "acme: course 'Algebra Foundations'" in lines
    with in_org(globex):
        assert User.objects.filter(email="teacher@globex.example.com").exists()
    assert "LearnStack demo (password for every account: learnstack)" in first_run


def test_acme_has_a_read_only_api_key_in_use_and_globex_on_starter_has_none(first_run, acme, globex):
    from apps.apikeys.models import ApiKey

    assert "acme: API key 'Reporting dashboard' (courses:read, enrollments:read)" in created(first_run)
    with in_org(acme):
        key = ApiKey.objects.get(name="Reporting dashboard")
        assert sorted(key.scopes) == ["courses:read", "enrollments:read"]
    with in_org(globex):
        assert not ApiKey.objects.exists()


def test_a_second_run_creates_nothing_and_still_prints_the_logins(first_run):
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert created(out.getvalue()) == []
    assert "orgadmin@acme.example.com" in out.getvalue()


def test_acme_has_a_quiz_taken_by_the_class_with_one_essay_left_to_grade(first_run, acme):
    from apps.assessments.models import Assessment, QuestionAttempt, TransferJob

    lines = created(first_run)
    assert "acme: quiz 'Algebra check-up' (10 questions, 20 minutes) in Algebra Foundations" in lines
    with in_org(acme):
        quiz = Assessment.objects.get(item__title="Algebra check-up")
        assert quiz.item.published_version_id is not None
        assert quiz.slots.count() == 10
        assert TransferJob.objects.get(filename="expressions.gift.txt").created_count == 5
        finished = quiz.attempts.filter(state="finished", preview=False)
        assert finished.count() == 6
        assert len({attempt.grade for attempt in finished if attempt.grade is not None}) > 2  # a spread
        waiting = QuestionAttempt.objects.filter(attempt__assessment=quiz, state="needs_grading")
        assert [qa.attempt.user.email for qa in waiting] == ["finn@acme.example.com"]


def test_the_demo_org_acme_is_set_up_so_its_checklist_is_done(first_run, acme, acme_admin):
    body = browser_for(acme, acme_admin).get("/").content.decode()

    assert "You're set up" in body
    assert "Not done yet" not in body
