"""Quizzes' services: a quiz made with its lesson, every setting validated, the builder's slot operations and
the lock once learners have attempted, overrides. Real PostgreSQL, through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from model_bakery import baker

from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.models import Attempt, Override, Slot
from apps.assessments.quizzes import services
from apps.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationFailed
from apps.courses import services as course_services
from apps.courses.models import ContentItem, Tag
from apps.hierarchy.models import SchoolClass
from tests.conftest import in_org, person
from tests.courses.conftest import build_course

pytestmark = pytest.mark.django_db


def course_of(acme, teacher, **values):
    return build_course(acme, owner=teacher, title="Quiz course", modules=1, items_per_module=1, **values)


def layout(assessment):
    return list(
        Slot.objects.filter(assessment=assessment).order_by("position").values_list("position", "page")
    )


def order(assessment):
    return list(Slot.objects.filter(assessment=assessment).order_by("position").values_list("pk", flat=True))


def questions(course, n, **kwargs):
    category = baker.make_recipe("assessments.category", course=course)
    return [make_question(category=category, name=f"Q{i + 1}", **kwargs) for i in range(n)]


def real_attempt(assessment, user, preview=False):
    return Attempt.objects.create(assessment=assessment, user=user, number=1, preview=preview)


@pytest.fixture
def course(acme, acme_teacher):
    return course_of(acme, acme_teacher)


# --- creating ----------------------------------------------------------------------------------------------


def test_assessment_create_makes_the_quiz_lesson_with_its_assessment(acme, acme_teacher, course):
    with in_org(acme):
        module = course.modules.first()

        quiz = services.assessment_create(
            actor=acme_teacher, module=module, title="Week 1 check", time_limit=600, attempts_allowed=2
        )

        item = ContentItem.objects.get(pk=quiz.item_id)
        assert item.kind == "quiz"
        assert item.module_id == module.pk
        assert item.title == "Week 1 check"
        assert item.latest_version.number == 1
        assert item.latest_version.data == {"assessment_id": quiz.pk}
        assert item.published_version_id is None
        assert (quiz.time_limit, quiz.attempts_allowed, quiz.course_id) == (600, 2, course.pk)


def test_assessment_create_can_publish_at_once(acme, acme_teacher, course):
    with in_org(acme):
        quiz = services.assessment_create(
            actor=acme_teacher, module=course.modules.first(), title="Q", publish=True
        )

        item = ContentItem.objects.get(pk=quiz.item_id)
        assert item.published_version_id == item.latest_version_id


def test_assessment_create_with_bad_settings_creates_nothing(acme, acme_teacher, course):
    with in_org(acme):
        before = ContentItem.objects.count()

        with pytest.raises(ValidationFailed) as error:
            services.assessment_create(
                actor=acme_teacher, module=course.modules.first(), title="Q", time_limit=5
            )

        assert "time_limit" in error.value.field_errors
        assert ContentItem.objects.count() == before


def test_someone_who_cannot_edit_the_course_cannot_add_a_quiz(acme, acme_teacher, course):
    south_teacher = person(acme, "south-teacher")
    with in_org(acme), pytest.raises(PermissionDenied):
        services.assessment_create(actor=south_teacher, module=course.modules.first(), title="Mine")


# --- settings validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"time_limit": 59}, "time_limit"),
        ({"time_limit": 7 * 24 * 3600 + 1}, "time_limit"),
        ({"overdue_handling": "graceperiod", "grace_period": 59}, "grace_period"),
        ({"overdue_handling": "never"}, "overdue_handling"),
        ({"max_grade": "10", "pass_grade": "10.01"}, "pass_grade"),
        ({"max_grade": "0"}, "max_grade"),
        ({"questions_per_page": 51}, "questions_per_page"),
        ({"questions_per_page": -1}, "questions_per_page"),
        ({"attempts_allowed": -1}, "attempts_allowed"),
        ({"grade_method": "best"}, "grade_method"),
        ({"review": {"answers": ["during"]}}, "review"),
        ({"review": {"marks": ["tomorrow"]}}, "review"),
        ({"review": ["marks"]}, "review"),
        ({"overall_feedback": [{"min_percent": 101, "text": "x"}]}, "overall_feedback"),
        (
            {"overall_feedback": [{"min_percent": 50, "text": "a"}, {"min_percent": 50, "text": "b"}]},
            "overall_feedback",
        ),
        ({"overall_feedback": [{"percent": 50}]}, "overall_feedback"),
        ({"decimal_points": 6}, "decimal_points"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_each_bad_setting_is_refused_with_its_field(acme, acme_teacher, course, values, field):
    with in_org(acme):
        quiz = make_quiz(course=course)

        with pytest.raises(ValidationFailed) as error:
            services.assessment_update(actor=acme_teacher, assessment=quiz, **values)

        assert field in error.value.field_errors


def test_the_window_must_open_before_it_closes(acme, acme_teacher, course):
    now = timezone.now()
    with in_org(acme):
        quiz = make_quiz(course=course)

        with pytest.raises(ValidationFailed) as error:
            services.assessment_update(actor=acme_teacher, assessment=quiz, open_at=now, close_at=now)
        services.assessment_update(
            actor=acme_teacher,
            assessment=quiz,
            open_at=now.isoformat(),
            close_at=(now + timedelta(days=1)).isoformat(),
        )

        assert list(error.value.field_errors) == ["close_at"]
        quiz.refresh_from_db()
        assert quiz.close_at - quiz.open_at == timedelta(days=1)


def test_good_settings_are_saved_with_review_and_bands_normalized(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course)

        services.assessment_update(
            actor=acme_teacher,
            assessment=quiz,
            time_limit=None,
            overdue_handling="graceperiod",
            grace_period=60,
            max_grade="20",
            pass_grade="12.5",
            questions_per_page=0,
            review={"marks": ["closed", "during"]},
            overall_feedback=[
                {"min_percent": 0, "text": "<p>Try again</p><script>x()</script>"},
                {"min_percent": 80, "text": "<p>Well done</p>"},
            ],
        )

        quiz.refresh_from_db()
        assert quiz.pass_grade == Decimal("12.5")
        assert quiz.review["marks"] == ["during", "closed"]
        assert quiz.review["right_answer"] == []
        assert [band["min_percent"] for band in quiz.overall_feedback] == [80, 0]
        assert "script" not in quiz.overall_feedback[1]["text"]


def test_renaming_a_published_quiz_publishes_the_new_title(acme, acme_teacher, course):
    with in_org(acme):
        quiz = services.assessment_create(
            actor=acme_teacher, module=course.modules.first(), title="Old", publish=True
        )

        services.assessment_update(actor=acme_teacher, assessment=quiz, title="New")

        item = ContentItem.objects.select_related("published_version").get(pk=quiz.item_id)
        assert item.title == "New"
        assert item.published_version.title == "New"


def test_settings_may_change_after_attempts(acme, acme_teacher, acme_student, course):
    with in_org(acme):
        quiz = make_quiz(course=course, questions=questions(course, 1))
        real_attempt(quiz, acme_student)

        services.assessment_update(actor=acme_teacher, assessment=quiz, max_grade="50")

        quiz.refresh_from_db()
        assert quiz.max_grade == Decimal("50")


def test_assessment_delete_deletes_the_lesson_through_the_courses_rules(
    acme, acme_teacher, acme_student, course
):
    with in_org(acme):
        quiz = make_quiz(course=course)
        attempted = make_quiz(course=course)
        real_attempt(attempted, acme_student)

        services.assessment_delete(actor=acme_teacher, assessment=quiz)
        with pytest.raises(Conflict):
            services.assessment_delete(actor=acme_teacher, assessment=attempted)

        assert not ContentItem.objects.filter(pk=quiz.item_id).exists()
        assert ContentItem.objects.filter(pk=attempted.item_id).exists()


# --- slots -------------------------------------------------------------------------------------------------


def test_added_questions_fill_pages_by_questions_per_page(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course, questions_per_page=2)

        for question in questions(course, 5, default_mark=2):
            services.slot_add_question(actor=acme_teacher, assessment=quiz, question=question)

        assert layout(quiz) == [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)]
        assert set(Slot.objects.filter(assessment=quiz).values_list("mark", flat=True)) == {Decimal(2)}


def test_a_question_of_a_bank_the_author_may_not_use_is_not_found(acme, acme_teacher, acme_admin, course):
    other = build_course(
        acme, owner=acme_admin, title="Not mine", modules=1, items_per_module=0, publish=False
    )
    with in_org(acme):
        quiz = make_quiz(course=course)
        foreign = questions(other, 1)[0]

        with pytest.raises(ApplicationError) as error:
            services.slot_add_question(actor=acme_teacher, assessment=quiz, question=foreign)

        assert error.value.status_code == 404


def test_random_slots_are_refused_when_the_category_has_too_few_questions(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course)
        pool = questions(course, 3)
        category = pool[0].category
        child = baker.make_recipe("assessments.category", course=course, parent=category)
        make_question(category=child, name="Deep")
        make_question(category=category, qtype="description", name="Text only", data={})
        tag = Tag.objects.create(name="algebra")
        pool[0].tags.add(tag)

        with pytest.raises(ApplicationError) as error:
            services.slot_add_random(actor=acme_teacher, assessment=quiz, category=category, count=5)
        created = services.slot_add_random(actor=acme_teacher, assessment=quiz, category=category, count=4)
        with pytest.raises(ApplicationError) as narrow:
            services.slot_add_random(
                actor=acme_teacher, assessment=quiz, category=category, count=4, subcategories=False
            )
        tagged = services.slot_add_random(actor=acme_teacher, assessment=quiz, category=category, tag=tag)

        assert error.value.status_code == 422
        assert error.value.details["available"] == ["4"]
        assert narrow.value.details["available"] == ["3"]
        assert len(created) == 4
        assert all(slot.is_random and slot.random_category_id == category.pk for slot in created)
        assert tagged[0].random_tag_id == tag.pk
        assert [position for position, _ in layout(quiz)] == [1, 2, 3, 4, 5]


def test_reorder_keeps_the_pages_by_position(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course, questions=questions(course, 3), questions_per_page=2)
        first, second, third = order(quiz)

        services.slots_reorder(actor=acme_teacher, assessment=quiz, order=[third, first, second])
        with pytest.raises(ValidationFailed):
            services.slots_reorder(actor=acme_teacher, assessment=quiz, order=[third, first])

        assert order(quiz) == [third, first, second]
        assert layout(quiz) == [(1, 1), (2, 1), (3, 2)]


def test_move_up_and_down_swaps_with_the_neighbour(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course, questions=questions(course, 3))
        first, second, third = order(quiz)

        services.slot_move(actor=acme_teacher, slot=Slot.objects.get(pk=third), direction="up")
        services.slot_move(actor=acme_teacher, slot=Slot.objects.get(pk=first), direction="up")

        assert order(quiz) == [first, third, second]


def test_remove_renumbers_and_closes_empty_pages(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course, questions=questions(course, 3))
        first, second, third = order(quiz)

        services.slot_remove(actor=acme_teacher, slot=Slot.objects.get(pk=second))

        assert order(quiz) == [first, third]
        assert layout(quiz) == [(1, 1), (2, 2)]


def test_page_breaks_and_repaginate(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course, questions=questions(course, 4), questions_per_page=0)

        services.page_break_set(actor=acme_teacher, assessment=quiz, after_position=2, present=True)
        after_break = layout(quiz)
        services.page_break_set(actor=acme_teacher, assessment=quiz, after_position=2, present=False)
        after_removal = layout(quiz)
        services.repaginate(actor=acme_teacher, assessment=quiz, per_page=3)

        assert after_break == [(1, 1), (2, 1), (3, 2), (4, 2)]
        assert after_removal == [(1, 1), (2, 1), (3, 1), (4, 1)]
        assert layout(quiz) == [(1, 1), (2, 1), (3, 1), (4, 2)]
        quiz.refresh_from_db()
        assert quiz.questions_per_page == 3


def test_slot_update_sets_mark_page_and_version(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course, questions=questions(course, 2), questions_per_page=0)
        first, second = Slot.objects.filter(assessment=quiz).order_by("position")
        version = second.question.latest_version

        services.slot_update(actor=acme_teacher, slot=second, mark="2.5", page=2, question_version=version.pk)
        with pytest.raises(ValidationFailed):
            services.slot_update(actor=acme_teacher, slot=second, page=3)
        with pytest.raises(ValidationFailed):
            services.slot_update(actor=acme_teacher, slot=first, question_version=version.pk)

        second.refresh_from_db()
        assert (second.mark, second.page, second.question_version_id) == (Decimal("2.5"), 2, version.pk)
        services.slot_update(actor=acme_teacher, slot=second, question_version=None)
        second.refresh_from_db()
        assert second.question_version_id is None


def test_structure_is_locked_once_real_attempts_exist_but_marks_are_not(
    acme, acme_teacher, acme_student, course
):
    with in_org(acme):
        pool = questions(course, 3)
        quiz = make_quiz(course=course, questions=pool[:2])
        slot = Slot.objects.filter(assessment=quiz).first()
        real_attempt(quiz, acme_student)
        calls = [
            lambda: services.slot_add_question(actor=acme_teacher, assessment=quiz, question=pool[2]),
            lambda: services.slot_add_random(actor=acme_teacher, assessment=quiz, category=pool[0].category),
            lambda: services.slot_remove(actor=acme_teacher, slot=slot),
            lambda: services.slots_reorder(
                actor=acme_teacher, assessment=quiz, order=list(reversed(order(quiz)))
            ),
            lambda: services.repaginate(actor=acme_teacher, assessment=quiz, per_page=0),
            lambda: services.page_break_set(
                actor=acme_teacher, assessment=quiz, after_position=1, present=False
            ),
            lambda: services.slot_update(actor=acme_teacher, slot=slot, page=1),
        ]
        before = layout(quiz)

        refusals = []
        for call in calls:
            with pytest.raises(Conflict) as error:
                call()
            refusals.append(error.value.details)
        services.slot_update(actor=acme_teacher, slot=slot, mark="3")

        assert refusals == [{"reason": ["attempts exist"]}] * len(calls)
        assert layout(quiz) == before
        slot.refresh_from_db()
        assert slot.mark == Decimal(3)


def test_preview_attempts_do_not_lock_the_structure(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course, questions=questions(course, 2))
        real_attempt(quiz, acme_teacher, preview=True)

        services.repaginate(actor=acme_teacher, assessment=quiz, per_page=0)

        assert layout(quiz) == [(1, 1), (2, 1)]


def test_only_editors_change_slots(acme, acme_teacher, course):
    south_teacher = person(acme, "south-teacher")
    with in_org(acme):
        quiz = make_quiz(course=course, questions=questions(course, 1))

        with pytest.raises(PermissionDenied):
            services.repaginate(actor=south_teacher, assessment=quiz, per_page=0)


# --- overrides ---------------------------------------------------------------------------------------------


def test_overrides_for_a_person_and_a_class(acme, acme_teacher, acme_student, course):
    with in_org(acme):
        quiz = make_quiz(course=course)
        algebra = SchoolClass.objects.get(name="Algebra 1")

        mine = services.override_create(
            actor=acme_teacher, assessment=quiz, user=acme_student, time_limit=1200
        )
        theirs = services.override_create(
            actor=acme_teacher, assessment=quiz, school_class=algebra, attempts_allowed=0
        )
        with pytest.raises(Conflict):
            services.override_create(
                actor=acme_teacher, assessment=quiz, user=acme_student, attempts_allowed=3
            )
        services.override_update(actor=acme_teacher, override=mine, attempts_allowed=5)
        services.override_delete(actor=acme_teacher, override=theirs)

        mine.refresh_from_db()
        assert (mine.time_limit, mine.attempts_allowed) == (1200, 5)
        assert list(Override.objects.filter(assessment=quiz).values_list("pk", flat=True)) == [mine.pk]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "non_field_errors"),
        ({"time_limit": 30}, "time_limit"),
        ({"attempts_allowed": -2}, "attempts_allowed"),
        ({"open_at": "2026-01-02T00:00:00Z", "close_at": "2026-01-01T00:00:00Z"}, "close_at"),
        ({"password": "x" * 65}, "password"),  # at most 64 characters
    ],
)
def test_bad_overrides_are_refused(acme, acme_teacher, acme_student, course, values, field):
    with in_org(acme):
        quiz = make_quiz(course=course)

        with pytest.raises(ValidationFailed) as error:
            services.override_create(actor=acme_teacher, assessment=quiz, user=acme_student, **values)

        assert field in error.value.field_errors


def test_an_override_names_someone_the_teacher_sees(acme, acme_teacher, course):
    south_student = person(acme, "south-student")
    with in_org(acme):
        quiz = make_quiz(course=course)
        biology = SchoolClass.objects.get(name="Biology 1")

        with pytest.raises(ValidationFailed) as person_error:
            services.override_create(
                actor=acme_teacher, assessment=quiz, user=south_student, attempts_allowed=2
            )
        with pytest.raises(ValidationFailed) as class_error:
            services.override_create(
                actor=acme_teacher, assessment=quiz, school_class=biology, attempts_allowed=2
            )
        with pytest.raises(ValidationFailed) as both:
            services.override_create(actor=acme_teacher, assessment=quiz, attempts_allowed=2)

        assert "user" in person_error.value.field_errors
        assert "school_class" in class_error.value.field_errors
        assert "user" in both.value.field_errors


def test_a_quiz_lesson_can_still_be_edited_in_the_course_editor(acme, acme_teacher, course):
    with in_org(acme):
        quiz = services.assessment_create(actor=acme_teacher, module=course.modules.first(), title="Q")
        item = ContentItem.objects.get(pk=quiz.item_id)

        course_services.content_update(actor=acme_teacher, item=item, body="Read this first.")

        item.refresh_from_db()
        assert item.latest_version.number == 2
        assert item.latest_version.data == {"assessment_id": quiz.pk}
