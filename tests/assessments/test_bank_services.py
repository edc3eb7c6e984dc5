"""The question bank's services and selectors: categories (nesting, cycles, deleting only when empty),
questions (validation by type, sanitized HTML, tags), versions (an edit changes the latest version in place
until an attempt used it, then makes a new one and the attempt keeps the old), hiding and deleting, and who
may use which bank."""

from decimal import Decimal

import pytest
from model_bakery import baker

from apps.assessments.baker_recipes import CHOICE_DATA, make_question, make_quiz
from apps.assessments.bank import selectors, services
from apps.assessments.models import Attempt, Question, QuestionAttempt, QuestionCategory, QuestionVersion
from apps.audit.models import AuditEntry
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.conftest import in_org, person

pytestmark = pytest.mark.django_db

TF = {"correct": True, "feedback_true": "", "feedback_false": ""}


@pytest.fixture
def bank(acme, acme_teacher):
    """A course owned by teacher@ and a category of its bank."""
    with in_org(acme):
        course = baker.make_recipe("courses.course", owner=acme_teacher, title="Geography")
        category = services.category_create(actor=acme_teacher, course=course, name="Capitals")
        return course, category


def _attempt_on(question, user):
    """An attempt that was given the question's latest version (as the attempt engine leaves it)."""
    quiz = make_quiz(course=question.course, questions=[question])
    attempt = Attempt.objects.create(assessment=quiz, user=user, number=1)
    return QuestionAttempt.objects.create(
        attempt=attempt, slot=1, question_version=question.latest_version, max_mark=Decimal("1")
    )


# --- categories ------------------------------------------------------------------------------------------


def test_categories_nest_and_refuse_a_cycle(acme, acme_teacher, bank):
    course, top = bank
    with in_org(acme):
        child = services.category_create(actor=acme_teacher, course=course, name="Europe", parent=top)
        grandchild = services.category_create(actor=acme_teacher, course=course, name="West", parent=child)

        with pytest.raises(ValidationFailed) as caught:
            services.category_update(actor=acme_teacher, category=top, parent=grandchild)

        assert "parent" in caught.value.field_errors
        top.refresh_from_db()
        assert top.parent_id is None
        assert selectors.category_tree_ids(top) == sorted([top.pk, child.pk, grandchild.pk])


def test_a_category_moves_only_within_its_bank(acme, acme_teacher, acme_admin, bank):
    _course, top = bank
    with in_org(acme):
        shared = services.category_create(actor=acme_admin, course=None, name="Shared")

        with pytest.raises(ValidationFailed):
            services.category_update(actor=acme_admin, category=top, parent=shared)
        moved = services.category_update(actor=acme_teacher, category=top, name="World capitals")

        assert moved.name == "World capitals"
        assert moved.parent_id is None


def test_a_category_is_deleted_only_when_empty(acme, acme_teacher, bank):
    course, top = bank
    with in_org(acme):
        child = services.category_create(actor=acme_teacher, course=course, name="Europe", parent=top)
        question = make_question(category=child)

        with pytest.raises(Conflict, match="subcategories"):
            services.category_delete(actor=acme_teacher, category=top)
        with pytest.raises(Conflict, match="questions"):
            services.category_delete(actor=acme_teacher, category=child)
        services.question_delete(actor=acme_teacher, question=question)
        child_pk = child.pk
        services.category_delete(actor=acme_teacher, category=child)

        assert not QuestionCategory.objects.filter(pk=child_pk).exists()
        assert AuditEntry.objects.filter(action="question_category.deleted", target_id=str(child_pk)).exists()


def test_category_for_path_creates_missing_levels_once(acme, acme_teacher, bank):
    course, top = bank
    with in_org(acme):
        first = services.category_for_path(actor=acme_teacher, course=course, path="Capitals/Europe/ West ")
        again = services.category_for_path(actor=acme_teacher, course=course, path="capitals/europe/west")

        assert first == again
        assert first.name == "West"
        assert first.parent.name == "Europe"
        assert first.parent.parent == top
        assert QuestionCategory.objects.filter(course=course).count() == 3


def test_category_paths_read_moodle_contexts_top_and_escaped_slashes(acme, acme_teacher, bank):
    course, top = bank
    with in_org(acme):
        made = services.category_for_path(
            actor=acme_teacher, course=course, path="$course$/top/Capitals/Either//or"
        )
        default = services.category_for_path(actor=acme_teacher, course=course, path="")

        assert made.name == "Either/or"
        assert made.parent == top
        assert default.name == "Default"
        assert default.parent_id is None
        assert services.path_parts("a/ b //c/") == ["a", "b /c"]


# --- questions and versions ------------------------------------------------------------------------------


def test_question_create_sanitizes_html_and_tags_case_insensitively(acme, acme_teacher, bank):
    course, category = bank
    data = {
        "options": [
            {"text": "<p onclick='x()'>Paris</p><script>alert(1)</script>", "fraction": 1, "feedback": ""},
            {"text": "Lyon", "fraction": 0, "feedback": "<img src=x onerror=alert(1)>"},
        ],
        "shuffle": True,
    }
    with in_org(acme):
        baker.make("courses.Tag", name="Europe")
        question = services.question_create(
            actor=acme_teacher,
            category=category,
            qtype="choice",
            name="Capital",
            text="<p>Capital of <b>France</b>?<script>bad()</script></p>",
            data=data,
            tags=["europe", "Capitals"],
            hints=["<p>Think of the Eiffel tower</p>"],
        )
        version = question.latest_version

        assert version.number == 1
        assert question.course == course
        assert "<script" not in version.text
        assert "<b>France</b>" in version.text
        assert "onclick" not in version.data["options"][0]["text"]
        assert "script" not in version.data["options"][0]["text"]
        assert "onerror" not in version.data["options"][1]["feedback"]
        assert sorted(t.name for t in question.tags.all()) == ["Capitals", "Europe"]
        assert version.penalty == pytest.approx(0.3333333)


def test_question_create_refuses_bad_data_with_field_errors(acme, acme_teacher, bank):
    _, category = bank
    with in_org(acme):
        with pytest.raises(ValidationFailed) as caught:
            services.question_create(
                actor=acme_teacher,
                category=category,
                qtype="choice",
                name="Bad",
                data={"options": [{"text": "Only one", "fraction": 1}]},
            )

        assert any(key.startswith("data") for key in caught.value.field_errors)
        assert not Question.objects.filter(name="Bad").exists()


def test_editing_an_unused_question_changes_its_version_in_place(acme, acme_teacher, bank):
    _, category = bank
    with in_org(acme):
        question = services.question_create(
            actor=acme_teacher, category=category, qtype="truefalse", name="Sky", text="Blue?", data=TF
        )
        first = question.latest_version

        services.question_update(actor=acme_teacher, question=question, text="<p>Is the sky blue?</p>")

        question.refresh_from_db()
        assert question.latest_version_id == first.pk
        assert QuestionVersion.objects.filter(question=question).count() == 1
        assert question.latest_version.text == "<p>Is the sky blue?</p>"


def test_editing_after_an_attempt_makes_a_new_version_and_the_attempt_keeps_the_old(
    acme, acme_teacher, acme_student, bank
):
    _, category = bank
    with in_org(acme):
        question = services.question_create(
            actor=acme_teacher, category=category, qtype="choice", name="Capital", data=CHOICE_DATA
        )
        used = _attempt_on(question, acme_student)
        old = question.latest_version

        services.question_update(
            actor=acme_teacher, question=question, name="Capital of France", default_mark=2
        )

        question.refresh_from_db()
        used.refresh_from_db()
        assert question.latest_version.number == 2
        assert question.latest_version.default_mark == Decimal("2")
        assert question.name == "Capital of France"
        assert used.question_version_id == old.pk
        old.refresh_from_db()
        assert old.name == "Capital"
        assert old.default_mark == Decimal("1")


def test_an_edit_that_changes_nothing_makes_no_version(acme, acme_teacher, acme_student, bank):
    _, category = bank
    with in_org(acme):
        question = services.question_create(
            actor=acme_teacher, category=category, qtype="choice", name="Capital", data=CHOICE_DATA
        )
        _attempt_on(question, acme_student)

        services.question_update(actor=acme_teacher, question=question, name="Capital", data=CHOICE_DATA)

        assert question.versions.count() == 1


def test_the_type_of_a_question_cannot_change(acme, acme_teacher, bank):
    _, category = bank
    with in_org(acme):
        question = make_question(category=category)
        with pytest.raises(ValidationFailed) as caught:
            services.question_update(actor=acme_teacher, question=question, qtype="essay")
        assert "qtype" in caught.value.field_errors


def test_duplicate_copies_the_latest_version_and_tags(acme, acme_teacher, bank):
    _, category = bank
    with in_org(acme):
        question = services.question_create(
            actor=acme_teacher,
            category=category,
            qtype="choice",
            name="Capital",
            data=CHOICE_DATA,
            tags=["geo"],
        )

        copy = services.question_duplicate(actor=acme_teacher, question=question)

        assert copy.pk != question.pk
        assert copy.name == "Capital (copy)"
        assert copy.latest_version.number == 1
        assert copy.latest_version.data == question.latest_version.data
        assert [t.name for t in copy.tags.all()] == ["geo"]


def test_hidden_questions_leave_the_lists_but_stay_reachable(acme, acme_teacher, bank):
    _, category = bank
    with in_org(acme):
        question = make_question(category=category)

        services.question_hide(actor=acme_teacher, question=question)

        assert list(selectors.question_list(viewer=acme_teacher, category=category)) == []
        assert list(selectors.question_list(viewer=acme_teacher, category=category, hidden=True)) == [
            question
        ]
        assert selectors.question_get(viewer=acme_teacher, pk=question.pk) == question
        services.question_unhide(actor=acme_teacher, question=question)
        assert list(selectors.question_list(viewer=acme_teacher, category=category)) == [question]


def test_a_question_used_by_a_quiz_cannot_be_deleted(acme, acme_teacher, bank):
    _, category = bank
    with in_org(acme):
        question = make_question(category=category)
        make_quiz(course=category.course, questions=[question])

        with pytest.raises(Conflict, match="hide it instead"):
            services.question_delete(actor=acme_teacher, question=question)

        assert Question.objects.filter(pk=question.pk).exists()


def test_a_question_moves_to_another_bank_the_actor_uses(acme, acme_teacher, bank):
    _, category = bank
    with in_org(acme):
        other_course = baker.make_recipe("courses.course", owner=acme_teacher)
        other = services.category_create(actor=acme_teacher, course=other_course, name="Other")
        question = make_question(category=category)

        services.question_move(actor=acme_teacher, question=question, category=other)

        question.refresh_from_db()
        assert question.category == other
        assert question.course == other_course


# --- who may use which bank ------------------------------------------------------------------------------


def test_a_teacher_cannot_see_or_change_another_teachers_bank(acme, bank):
    _, category = bank
    with in_org(acme):
        question = make_question(category=category)
        other = person(acme, "south-teacher")

        assert selectors.category_get(viewer=other, pk=category.pk) is None
        assert selectors.question_get(viewer=other, pk=question.pk) is None
        assert list(selectors.question_list(viewer=other)) == []
        with pytest.raises(PermissionDenied):
            services.question_update(actor=other, question=question, name="Hijacked")
        with pytest.raises(PermissionDenied):
            services.category_create(actor=other, course=category.course, name="Hijacked")


def test_a_student_sees_no_bank(acme, acme_student, bank):
    _, category = bank
    with in_org(acme):
        make_question(category=category)

        assert list(selectors.category_list(viewer=acme_student)) == []
        assert list(selectors.question_list(viewer=acme_student, hidden=None)) == []


def test_the_shared_bank_is_for_org_admins(acme, acme_admin, acme_teacher, bank):
    with in_org(acme):
        with pytest.raises(PermissionDenied):
            services.category_create(actor=acme_teacher, course=None, name="Shared")
        shared = services.category_create(actor=acme_admin, course=None, name="Shared")
        make_question(category=shared)

        assert selectors.category_get(viewer=acme_teacher, pk=shared.pk) is None
        assert selectors.category_get(viewer=acme_admin, pk=shared.pk) == shared
        assert selectors.question_list(viewer=acme_admin, category=shared).count() == 1


def test_question_list_filters(acme, acme_teacher, bank):
    course, category = bank
    with in_org(acme):
        child = services.category_create(actor=acme_teacher, course=course, name="Europe", parent=category)
        paris = services.question_create(
            actor=acme_teacher, category=category, qtype="choice", name="Paris", data=CHOICE_DATA, tags=["fr"]
        )
        sky = services.question_create(
            actor=acme_teacher,
            category=child,
            qtype="truefalse",
            name="Sky",
            text="<p>Is it blue?</p>",
            data=TF,
        )

        def names(**filters):
            return [q.name for q in selectors.question_list(viewer=acme_teacher, **filters)]

        assert names(category=category) == ["Paris"]
        assert names(category=category, subcategories=True) == ["Paris", "Sky"]
        assert names(search="blue") == ["Sky"]
        assert names(search="par") == ["Paris"]
        assert names(qtype="truefalse") == ["Sky"]
        assert names(tag="FR") == ["Paris"]
        assert names(tag=paris.tags.get().pk) == ["Paris"]
        assert sky.pk not in [q.pk for q in selectors.question_list(viewer=acme_teacher, tag="fr")]
