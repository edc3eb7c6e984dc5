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
        "a certificate template, Algebra Foundations' certificates and one revoked",
        "badges earned from courses, quizzes and streaks, and one awarded by hand",
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


def _dispatch_everything() -> None:
    """Deliver every event raised so far, and those their subscribers raise, as the worker would after
    commit (the demo runs inside the module's transaction, where on-commit work does not run)."""
    from apps.events import bus
    from apps.events.models import Event

    for _round in range(10):
        pending = list(
            Event.objects.filter(dispatched_at__isnull=True).order_by("pk").values_list("pk", flat=True)
        )
        if not pending:
            return
        for pk in pending:
            bus.dispatch(pk)
    raise AssertionError("events keep raising events")


def test_sam_completing_algebra_foundations_gets_its_badge_and_certificate_which_verify(first_run, acme):
    """The issue's "done when": Sam finishes the lessons left, passes the quiz (the teacher marks the essay),
    and the course's badge and certificate arrive by themselves; the certificate's QR-code URL answers
    "valid" signed out, the assertion is served; revoking both makes both say revoked."""
    from urllib.parse import urlsplit

    from apps.assessments.attempts import services as attempts
    from apps.assessments.models import Assessment, QuestionAttempt
    from apps.badges.core import services as badge_services
    from apps.badges.models import BadgeAward
    from apps.certificates.issuing import services as certificate_services
    from apps.certificates.models import Certificate
    from apps.courses import services as course_services
    from apps.courses.models import Enrollment
    from apps.demo.assessments import _right
    from tests.conftest import client_for, person

    sam, teacher = person(acme, "student"), person(acme, "teacher")
    with in_org(acme):
        enrollment = Enrollment.objects.get(user=sam, course__slug="algebra-foundations")
        items = list(
            enrollment.course.items.filter(published_version__isnull=False)
            .exclude(kind="quiz")
            .order_by("module__position", "position")
        )
        for item in items:
            course_services.progress_record(actor=sam, item=item, completed=True, time_spent_seconds=300)
        quiz = Assessment.objects.get(item__course=enrollment.course)
        attempt = attempts.attempt_start(actor=sam, assessment=quiz).attempt
        questions = QuestionAttempt.objects.filter(attempt=attempt).select_related("question_version")
        responses = {
            qa.slot: _right(qa.question_version.qtype, qa.question_version.data, qa.order or {}, "x = 4")
            for qa in questions
        }
        attempts.attempt_save(actor=sam, attempt=attempt, responses=responses)
        attempts.attempt_submit(actor=sam, attempt=attempt)
        for qa in QuestionAttempt.objects.filter(attempt=attempt, state=QuestionAttempt.State.NEEDS_GRADING):
            attempts.grade_manually(actor=teacher, attempt=attempt, slot=qa.slot, mark=qa.max_mark)
        _dispatch_everything()

        enrollment.refresh_from_db()
        assert enrollment.status == "completed"
        award = BadgeAward.objects.get(user=sam, badge__name="Algebra Foundations", revoked_at__isnull=True)
        certificate = Certificate.objects.get(user=sam, course=enrollment.course, status="active")
        assert certificate.source == "automatic"
        certificate_services.certificate_render(certificate_id=certificate.pk, revision=certificate.revision)
        certificate.refresh_from_db()
        assert certificate.render_state == "ready"
        verify_path = urlsplit(certificate_services.verify_url(certificate)).path  # what the QR code holds

    visitor = client_for("acme")
    page = visitor.get(verify_path)
    assertion = visitor.get(f"/ob/v2/assertions/{award.uid}", HTTP_ACCEPT="application/ld+json")
    assert page.status_code == 200
    assert "This certificate is valid" in page.content.decode()
    assert assertion.status_code == 200
    assert assertion.json()["id"].endswith(str(award.uid))

    admin = person(acme, "orgadmin")
    with in_org(acme):
        certificate_services.certificate_revoke(
            actor=admin, certificate=certificate, reason="Issued in error"
        )
        badge_services.award_revoke(actor=admin, award=award, reason="Issued in error")
    page = visitor.get(verify_path)
    assertion = visitor.get(f"/ob/v2/assertions/{award.uid}", HTTP_ACCEPT="application/ld+json")
    assert page.status_code == 200
    assert "This certificate has been revoked" in page.content.decode()
    assert assertion.status_code == 410
    assert assertion.json()["revoked"] is True
