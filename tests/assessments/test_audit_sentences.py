"""The audit log's sentences for assessments (apps/assessments/audit.py): each action done through its real
service, then read back as the audit log reads it (its API for Org Admins, its rows for a viewer), with
links only to what the viewer may open and learners named only to those who may see them."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from model_bakery import baker

from apps.assessments.attempts import services as attempts
from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.bank import services as bank
from apps.assessments.quizzes import services as quizzes
from apps.assessments.transfer import services as transfer
from apps.audit.describe import described_actions
from apps.audit.models import AuditEntry
from apps.audit.selectors import rows_for
from apps.hierarchy.models import SchoolClass
from tests.api.helpers import assert_ok
from tests.conftest import in_org, person

from .test_transfer_common import BAD_QUESTION, gift_file

pytestmark = pytest.mark.django_db

ESSAY = {"min_words": None, "max_words": None, "template": "", "grader_info": "", "format": "html"}
TWO_GIFT = "::A::Frogs are amphibians.{T}\n\n::B::Toads are amphibians.{T}\n\n" + BAD_QUESTION


@pytest.fixture
def course(acme, acme_teacher):
    with in_org(acme):
        return baker.make_recipe("courses.course", owner=acme_teacher, title="Maths")


@pytest.fixture
def equations(acme, acme_teacher, course):
    with in_org(acme):
        return bank.category_create(actor=acme_teacher, course=course, name="Equations")


def sentences(client, *actions) -> list[str]:
    response = client.get(
        "/api/v1/audit-log", {"filter[action][in]": ",".join(actions), "sort": "created_at"}
    )
    return [entry["description"] for entry in assert_ok(response)]


def row(action: str, viewer):
    return rows_for(AuditEntry.objects.filter(action=action).order_by("-pk")[:1], viewer=viewer)[0]


def test_every_action_code_the_assessments_record_has_a_sentence():
    source = Path(settings.BASE_DIR) / "apps" / "assessments"
    codes = set()
    for path in source.rglob("*.py"):
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text()))
        codes |= set(re.findall(r'"(question\.(?:un)?hidden)"', path.read_text()))

    assert "assessment.attempt_graded" in codes
    assert sorted(codes - set(described_actions())) == []


def test_building_a_quiz_reads_as_sentences_with_the_quiz_linked_for_editors(
    acme, acme_teacher, acme_admin_client, course, equations
):
    with in_org(acme):
        for n in range(3):
            make_question(category=equations, name=f"Solve {n}")
        module = baker.make_recipe("courses.module", course=course)
        quiz = quizzes.assessment_create(actor=acme_teacher, module=module, title="Algebra check-up")
        quizzes.assessment_update(actor=acme_teacher, assessment=quiz, time_limit=600, attempts_allowed=2)
        quizzes.slot_add_random(actor=acme_teacher, assessment=quiz, category=equations, count=3)
        quizzes.repaginate(actor=acme_teacher, assessment=quiz, per_page=0)

    described = sentences(
        acme_admin_client,
        "assessment.created",
        "assessment.updated",
        "assessment.random_added",
        "assessment.repaginated",
    )

    assert described == [
        "Teacher created the quiz Algebra check-up in Maths",
        "Teacher changed the attempts allowed and time limit of the quiz Algebra check-up",
        "Teacher added 3 random questions from Equations to the quiz Algebra check-up",
        "Teacher put all the questions of the quiz Algebra check-up on one page",
    ]
    with in_org(acme):
        html = str(row("assessment.random_added", acme_teacher).description)
        unlinked = str(row("assessment.random_added", None).description)
    assert f'<a href="{reverse("assessments:quiz_manage", args=[quiz.pk])}">Algebra check-up</a>' in html
    assert f'<a href="{reverse("assessments:bank_list")}?category={equations.pk}">Equations</a>' in html
    assert "<a " not in unlinked
    assert "Algebra check-up" in unlinked


def test_grading_names_the_learner_only_to_those_who_may_see_them(
    acme, acme_admin, acme_student, acme_admin_client, course, equations
):
    south_teacher = person(acme, "south-teacher")
    with in_org(acme):
        course.co_teachers.add(south_teacher)
        baker.make_recipe("courses.enrollment", course=course, user=acme_student)
        essay = make_question(category=equations, qtype="essay", data=ESSAY, default_mark=Decimal("10"))
        quiz = make_quiz(course=course, questions=[essay], title="Algebra check-up")
        attempt = attempts.attempt_start(actor=acme_student, assessment=quiz).attempt
        attempts.attempt_submit(actor=acme_student, attempt=attempt, responses={1: {"text": "<p>x = 2</p>"}})
        attempts.grade_manually(actor=acme_admin, attempt=attempt, slot=1, mark="7.5")

        for_admin = row("assessment.attempt_graded", acme_admin)
        for_south = row("assessment.attempt_graded", south_teacher)
    admin = acme_admin.get_full_name()

    assert sentences(acme_admin_client, "assessment.attempt_graded") == [
        f"{admin} graded question 1 of Student's attempt 1 at Algebra check-up: 7.5"
    ]
    review = reverse("assessments:attempt_review", args=[attempt.pk])
    manage = reverse("assessments:quiz_manage", args=[quiz.pk])
    assert f'<a href="{review}">attempt 1</a>' in str(for_admin.description)
    # a co-teacher of another branch edits the course but may not see this learner
    assert for_south.description_text == (
        f"{admin} graded question 1 of a learner's attempt 1 at Algebra check-up: 7.5"
    )
    assert "Student" not in str(for_south.description)
    assert review not in str(for_south.description)
    assert f'<a href="{manage}">Algebra check-up</a>' in str(for_south.description)


def test_an_override_for_a_person_hides_their_name_from_a_viewer_who_may_not_see_them(
    acme, acme_admin, acme_student, course
):
    south_teacher = person(acme, "south-teacher")
    with in_org(acme):
        course.co_teachers.add(south_teacher)
        quiz = make_quiz(course=course, title="Algebra check-up")
        override = quizzes.override_create(
            actor=acme_admin, assessment=quiz, user=acme_student, time_limit=900
        )
        quizzes.override_update(actor=acme_admin, override=override, attempts_allowed=3)

        created_for_admin = row("assessment.override_created", acme_admin).description_text
        updated_for_admin = row("assessment.override_updated", acme_admin).description_text
        updated_for_south = row("assessment.override_updated", south_teacher).description_text
        algebra = SchoolClass.objects.get(name="Algebra 1")
        for_class = quizzes.override_create(
            actor=acme_admin, assessment=quiz, school_class=algebra, time_limit=900
        )
        quizzes.override_update(actor=acme_admin, override=for_class, time_limit=1200)
        class_updated = row("assessment.override_updated", acme_admin)
    admin = acme_admin.get_full_name()
    class_url = reverse("hierarchy:class", args=[algebra.pk])
    assert class_updated.description_text == (
        f"{admin} changed the time limit of the class Algebra 1 (2026) for the quiz Algebra check-up"
    )
    assert f'<a href="{class_url}">the class Algebra 1 (2026)</a>' in str(class_updated.description)

    assert created_for_admin == f"{admin} gave Student their own settings for the quiz Algebra check-up"
    assert (
        updated_for_admin == f"{admin} changed the attempts allowed of Student for the quiz Algebra check-up"
    )
    assert (
        updated_for_south
        == f"{admin} changed the attempts allowed of a learner for the quiz Algebra check-up"
    )


def test_the_question_bank_reads_as_sentences(acme, acme_teacher, acme_admin_client, course, equations):
    with in_org(acme):
        question = bank.question_create(
            actor=acme_teacher,
            category=equations,
            qtype="truefalse",
            name="Two is even",
            text="<p>2 is even.</p>",
            data={"correct": True, "feedback_true": "", "feedback_false": ""},
        )
        bank.question_update(
            actor=acme_teacher, question=question, text="<p>Two is even.</p>", default_mark=2
        )
        bank.question_hide(actor=acme_teacher, question=question)
        bank.category_update(actor=acme_teacher, category=equations, name="Linear equations")
        teacher_html = str(row("question.hidden", acme_teacher).description)

    assert sentences(
        acme_admin_client,
        "question_category.created",
        "question.created",
        "question.updated",
        "question.hidden",
        "question_category.updated",
    ) == [
        "Teacher created the question category Linear equations in the question bank of Maths",
        "Teacher created the question Two is even (True/false) in Linear equations",
        "Teacher changed the default mark and text of the question Two is even",
        "Teacher hid the question Two is even from the bank",
        "Teacher changed the name of the question category Linear equations",
    ]
    url = reverse("assessments:bank_question", args=[question.pk])
    assert f'<a href="{url}">Two is even</a>' in teacher_html


def test_a_deleted_question_is_named_as_it_was(acme, acme_teacher, acme_admin_client, equations):
    with in_org(acme):
        question = make_question(category=equations, name="Gone soon")
        bank.question_delete(actor=acme_teacher, question=question)

    assert sentences(acme_admin_client, "question.deleted") == [
        "Teacher deleted the question Gone soon from Equations"
    ]


def test_a_question_import_reads_as_sentences(
    acme, acme_teacher, acme_admin_client, equations, django_capture_on_commit_callbacks
):
    with in_org(acme), django_capture_on_commit_callbacks(execute=True):
        transfer.transfer_create(
            actor=acme_teacher, upload=gift_file(TWO_GIFT, "questions.gift"), category=equations
        )

    described = sentences(acme_admin_client, "question_import.created", "question_import.completed")

    assert described[0] == "Teacher started importing questions from questions.gift into Equations"
    assert described[1].endswith("by Teacher finished: 2 created, 1 skipped")
