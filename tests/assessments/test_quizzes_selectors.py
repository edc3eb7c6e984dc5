"""Quizzes' selectors: who sees which quiz, the settings that apply to a learner after overrides, and the
review options by moment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.assessments.baker_recipes import make_quiz
from apps.assessments.models import Override
from apps.assessments.quizzes import selectors
from apps.courses import services as course_services
from apps.courses.models import ContentItem, Enrollment
from apps.hierarchy.models import SchoolClass
from tests.conftest import in_org, person
from tests.courses.conftest import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(acme, acme_teacher):
    return build_course(acme, owner=acme_teacher, title="Quiz course", modules=1, items_per_module=1)


def visible_to(user):
    return set(selectors.assessment_list(viewer=user).values_list("pk", flat=True))


# --- visibility --------------------------------------------------------------------------------------------


def test_editors_see_draft_quizzes_and_enrolled_learners_only_published_ones(
    acme, acme_teacher, acme_student, acme_admin, course
):
    with in_org(acme):
        published = make_quiz(course=course)
        draft = make_quiz(course=course)
        ContentItem.objects.filter(pk=draft.item_id).update(published_version=None)
        not_enrolled = visible_to(acme_student)
        course_services.enroll_self(actor=acme_student, course=course)

        assert visible_to(acme_teacher) == {published.pk, draft.pk}
        assert visible_to(acme_admin) == {published.pk, draft.pk}
        assert not_enrolled == set()
        assert visible_to(acme_student) == {published.pk}
        assert selectors.assessment_get(viewer=acme_student, pk=draft.pk) is None
        assert selectors.assessment_get(viewer=acme_student, pk=published.pk).viewer_edits is False
        assert selectors.assessment_get(viewer=acme_teacher, pk=published.pk).viewer_edits is True


def test_a_withdrawn_learner_or_a_draft_course_hides_the_quiz(acme, acme_teacher, acme_student, course):
    with in_org(acme):
        quiz = make_quiz(course=course)
        enrollment = course_services.enroll_self(actor=acme_student, course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.WITHDRAWN)
        withdrawn = visible_to(acme_student)
        Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.ACTIVE)
        course_services.course_unpublish(actor=acme_teacher, course=course)

        assert withdrawn == set()
        assert visible_to(acme_student) == set()
        assert visible_to(acme_teacher) == {quiz.pk}


def test_another_branchs_teacher_sees_nothing(acme, course):
    south_teacher = person(acme, "south-teacher")
    with in_org(acme):
        make_quiz(course=course)

        assert visible_to(south_teacher) == set()


def test_assessment_for_item(acme, course):
    with in_org(acme):
        quiz = make_quiz(course=course)
        text = ContentItem.objects.filter(course=course, kind="text").first()

        assert selectors.assessment_for_item(quiz.item) == quiz
        assert selectors.assessment_for_item(text) is None


# --- effective settings ------------------------------------------------------------------------------------


@pytest.fixture
def classes(acme, acme_student):
    """The student in Algebra 1 (their own class) and, for these tests, in Biology 1 too."""
    from apps.accounts.models import RoleAssignment

    with in_org(acme):
        algebra = SchoolClass.objects.get(name="Algebra 1")
        biology = SchoolClass.objects.get(name="Biology 1")
        RoleAssignment.objects.create(
            user=acme_student, role="student", branch=biology.branch, school_class=biology
        )
        return algebra, biology


def test_without_overrides_the_quiz_settings_apply(acme, acme_student, course):
    with in_org(acme):
        quiz = make_quiz(course=course, time_limit=600, attempts_allowed=2)

        effective = selectors.effective_settings(quiz, acme_student)

        assert (effective.open_at, effective.close_at, effective.time_limit, effective.attempts_allowed) == (
            None,
            None,
            600,
            2,
        )


def test_classes_give_the_most_generous_value_of_each_setting(acme, acme_student, course, classes):
    algebra, biology = classes
    now = timezone.now()
    with in_org(acme):
        quiz = make_quiz(
            course=course, time_limit=600, attempts_allowed=1, open_at=now, close_at=now + timedelta(days=1)
        )
        Override.objects.create(
            assessment=quiz,
            school_class=algebra,
            close_at=now + timedelta(days=3),
            time_limit=900,
            attempts_allowed=2,
        )
        Override.objects.create(
            assessment=quiz,
            school_class=biology,
            open_at=now - timedelta(days=1),
            close_at=now + timedelta(days=2),
            time_limit=1200,
            attempts_allowed=0,
        )

        effective = selectors.effective_settings(quiz, acme_student)

        assert effective.open_at == now - timedelta(days=1)
        assert effective.close_at == now + timedelta(days=3)
        assert effective.time_limit == 1200
        assert effective.attempts_allowed == 0  # unlimited wins


def test_a_class_time_limit_of_zero_lifts_the_limit(acme, acme_student, course, classes):
    algebra, biology = classes
    with in_org(acme):
        quiz = make_quiz(course=course, time_limit=600)
        Override.objects.create(assessment=quiz, school_class=algebra, time_limit=0)
        Override.objects.create(assessment=quiz, school_class=biology, time_limit=3600)

        assert selectors.effective_settings(quiz, acme_student).time_limit is None


def test_the_persons_override_wins_for_what_it_sets(acme, acme_student, course, classes):
    algebra, _ = classes
    now = timezone.now()
    with in_org(acme):
        quiz = make_quiz(course=course, time_limit=600, attempts_allowed=1, close_at=now + timedelta(days=1))
        Override.objects.create(
            assessment=quiz,
            school_class=algebra,
            close_at=now + timedelta(days=5),
            time_limit=3600,
            attempts_allowed=4,
        )
        Override.objects.create(assessment=quiz, user=acme_student, time_limit=300, attempts_allowed=None)

        effective = selectors.effective_settings(quiz, acme_student)
        someone_else = selectors.effective_settings(quiz, person(acme, "south-student"))

        assert effective.time_limit == 300  # the person's, though shorter
        assert effective.attempts_allowed == 4  # not set by the person: the class's
        assert effective.close_at == now + timedelta(days=5)
        assert (someone_else.time_limit, someone_else.attempts_allowed) == (600, 1)


# --- review options ----------------------------------------------------------------------------------------


def test_review_allowed_by_moment(acme, course):
    with in_org(acme):
        quiz = make_quiz(course=course, review={"attempt": ["during", "closed"], "marks": ["closed"]})

        assert selectors.review_allowed(quiz, "during") == {"attempt"}
        assert selectors.review_allowed(quiz, "closed") == {"attempt", "marks"}
        assert selectors.review_allowed(quiz, "immediately") == set()
        assert selectors.review_allowed(quiz, "someday") == set()


def test_the_apis_rows_are_assessment_lists_quizzes_with_the_same_values(
    acme, acme_admin, acme_manager, acme_teacher, acme_student, course
):
    """assessment_rows() (the API's list and detail) and assessment_ref() (its sub-resources) read the same
    quizzes as assessment_list(), in the same order, with the same `viewer_edits`, counts and titles."""
    south_teacher = person(acme, "south-teacher")
    with in_org(acme):
        shown = make_quiz(course=course, title="Shown")
        draft = make_quiz(course=course, title="Draft")
        ContentItem.objects.filter(pk=draft.item_id).update(published_version=None, title="Draft, renamed")
        course_services.enroll_self(actor=acme_student, course=course)
        assert visible_to(acme_admin) == visible_to(acme_teacher) == {shown.pk, draft.pk}
        assert visible_to(acme_student) == {shown.pk}
        for viewer in (acme_admin, acme_manager, acme_teacher, acme_student, south_teacher):
            listed = list(selectors.assessment_list(viewer=viewer))
            rows = list(selectors.assessment_rows(viewer=viewer))
            assert [quiz.pk for quiz in rows] == [quiz.pk for quiz in listed]
            for quiz, row in zip(listed, rows, strict=True):
                assert bool(row.viewer_edits) == bool(quiz.viewer_edits)
                assert (row.slot_count, row.total_marks, row.has_attempts) == (
                    quiz.slot_count,
                    quiz.total_marks,
                    quiz.has_attempts,
                )
                assert row.item_title == quiz.item.title
                assert row.item_module_id == quiz.item.module_id
                assert row.item_published == (quiz.item.published_version_id is not None)
                if not row.viewer_edits:
                    assert row.published_title == quiz.item.published_version.title
            for quiz in (shown, draft):
                ref = selectors.assessment_ref(viewer=viewer, pk=quiz.pk)
                got = selectors.assessment_get(viewer=viewer, pk=quiz.pk)
                assert (ref is None) == (got is None)
                if ref is not None:
                    assert bool(ref.viewer_edits) == bool(got.viewer_edits)
