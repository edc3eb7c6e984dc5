"""Exports (apps.assessments.transfer.selectors): a quiz's or a category's questions as GIFT or QTI, and our own
export imported back into a fresh category gives the same questions."""

from decimal import Decimal

import pytest

from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.bank import services as bank_services
from apps.assessments.formats.gift import parse_gift
from apps.assessments.formats.qti import parse_qti
from apps.assessments.models import Question, Slot
from apps.assessments.quizzes import services as quiz_services
from apps.assessments.transfer import selectors, services
from tests.conftest import in_org

from . import test_transfer_common as common
from .test_transfer_common import GIFT_ALL_TYPES, gift_file

pytestmark = pytest.mark.django_db

bank = common.bank
run_jobs = common.run_jobs  # fixtures

EVERY_TYPE = {
    "choice": {
        "options": [
            {"id": "a", "text": "<p>Paris</p>", "fraction": 1.0, "feedback": "<p>Yes.</p>"},
            {"id": "b", "text": "<p>Lyon</p>", "fraction": 0.0, "feedback": "<p>No.</p>"},
        ],
        "shuffle": False,
    },
    "multiple": {
        "options": [
            {"id": "a", "text": "Frog", "fraction": 0.5, "feedback": ""},
            {"id": "b", "text": "Newt", "fraction": 0.5, "feedback": ""},
            {"id": "c", "text": "Snake", "fraction": -1.0, "feedback": "No"},
        ],
        "shuffle": True,
    },
    "truefalse": {"correct": False, "feedback_true": "<p>No.</p>", "feedback_false": "<p>Right.</p>"},
    "shortanswer": {
        "answers": [
            {"text": "Bullfrog", "fraction": 1.0, "feedback": ""},
            {"text": "Tree*", "fraction": 0.5, "feedback": "Close"},
        ],
        "case_sensitive": True,
    },
    "numeric": {
        "answers": [
            {"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": ""},
            {"min": 3.0, "max": 3.5, "fraction": 0.5, "feedback": "Close"},
        ],
        "units": [{"unit": "m", "multiplier": 1.0}, {"unit": "cm", "multiplier": 100.0}],
        "unit_required": False,
    },
    "matching": {
        "pairs": [
            {"id": "p1", "prompt": "<p>Cat</p>", "answer": "Meow"},
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
        "scoring": "subset",
    },
    "essay": {
        "min_words": 10,
        "max_words": 200,
        "template": "<p>Start here</p>",
        "grader_info": "",
        "format": "html",
    },
    "description": {},
}


def shape(question: Question) -> tuple:
    version = question.latest_version
    return (
        version.qtype,
        version.name,
        version.text,
        version.general_feedback,
        version.default_mark,
        version.penalty,
        version.hints,
        version.data,
    )


def make_every_type(category):
    made = []
    for index, (qtype, data) in enumerate(EVERY_TYPE.items()):
        made.append(
            bank_services.question_create(
                actor=None,
                category=category,
                qtype=qtype,
                name=f"{index:02d} {qtype}",
                text=f"<p>Question of type {qtype}</p>",
                general_feedback="<p>General feedback</p>" if qtype != "description" else "",
                default_mark=2 if qtype != "description" else 0,
                penalty=0.5 if qtype != "truefalse" else 1.0,
                hints=["<p>A hint</p>"],
                data=data,
                tags=["roundtrip"],
            )
        )
    return made


def reimport(actor, export, category, run_jobs):
    with run_jobs():
        job = services.transfer_create(
            actor=actor, upload=export.content, filename=export.filename, category=category
        )
    job.refresh_from_db()
    assert (job.status, job.skipped_count, job.error) == ("completed", 0, ""), job.report
    return job


def test_a_category_exported_as_qti_imports_back_unchanged(acme, acme_teacher, bank, run_jobs):
    course, root = bank
    with in_org(acme):
        sub = bank_services.category_create(actor=acme_teacher, course=course, name="Sub", parent=root)
        originals = [*make_every_type(root), make_question(category=sub, name="In sub")]
        fresh = bank_services.category_create(actor=acme_teacher, course=course, name="Fresh")

        export = selectors.category_export(viewer=acme_teacher, category=root, file_format="qti")
        job = reimport(acme_teacher, export, fresh, run_jobs)

        assert export.content_type == "application/zip"
        assert export.filename == "imported.qti.zip"
        copies = {
            q.name: q
            for q in Question.objects.filter(pk__in=[r["question_id"] for r in job.report]).select_related(
                "latest_version", "category"
            )
        }
        assert job.created_count == len(originals) == len(copies)
        for original in originals:
            copy = copies[original.name]
            assert shape(copy) == shape(original), original.qtype
            assert [t.name for t in copy.tags.all()] == [t.name for t in original.tags.all()]
        assert copies["In sub"].category.name == "Sub"
        assert copies["In sub"].category.parent == fresh
        assert copies["00 choice"].category == fresh


def test_a_category_exported_as_gift_imports_back_with_what_gift_can_say(acme, acme_teacher, bank, run_jobs):
    """GIFT has no form for marks, penalties, hints, units and some options (formats/gift.py: export_gift):
    type, text, feedback and the answers come back; the rest comes back as the defaults."""
    course, root = bank
    with in_org(acme):
        with run_jobs():
            services.transfer_create(actor=acme_teacher, upload=gift_file(GIFT_ALL_TYPES), category=root)
        originals = list(Question.objects.filter(course=course).select_related("latest_version"))
        fresh = bank_services.category_create(actor=acme_teacher, course=course, name="Fresh")

        export = selectors.category_export(viewer=acme_teacher, category=root, file_format="gift")
        job = reimport(acme_teacher, export, fresh, run_jobs)

        assert export.content_type.startswith("text/plain")
        assert b"$CATEGORY: $course$/top/Unit 2/Numbers" in export.content
        copies = {q.name: q for q in Question.objects.filter(pk__in=[r["question_id"] for r in job.report])}
        assert sorted(copies) == sorted(q.name for q in originals)
        for original in originals:
            assert shape(copies[original.name]) == shape(original), original.name
        assert copies["NUM"].category.name == "Numbers"
        assert copies["NUM"].category.parent.parent == fresh


def test_a_quiz_exports_its_questions_marks_random_slots_and_settings(acme, acme_teacher, bank, run_jobs):
    course, root = bank
    with in_org(acme):
        pool = bank_services.category_create(actor=acme_teacher, course=course, name="Pool", parent=root)
        first, last = make_question(category=root, name="First"), make_question(category=root, name="Last")
        drawn = [make_question(category=pool, name=f"Drawn {i}") for i in range(3)]
        quiz = make_quiz(course=course, questions=[first], marks=[3], time_limit=600, attempts_allowed=2)
        quiz_services.slot_add_random(actor=acme_teacher, assessment=quiz, category=pool, count=2, mark=5)
        quiz_services.slot_add_question(actor=acme_teacher, assessment=quiz, question=last)

        export = selectors.assessment_export(viewer=acme_teacher, assessment=quiz, file_format="qti")
        parsed = parse_qti(export.content)
        gift = parse_gift(
            selectors.assessment_export(viewer=acme_teacher, assessment=quiz, file_format="gift").content
        )

        assert [type(item).__name__ for item in parsed.questions] == [
            "ParsedQuestion",
            "ParsedGroup",
            "ParsedQuestion",
        ]
        assert parsed.questions[0].default_mark == 3.0
        group = parsed.questions[1]
        assert (group.name, group.pick, group.points_per_item) == ("Pool", 2, 5.0)
        assert sorted(q.name for q in group.questions) == [q.name for q in drawn]
        assert (parsed.settings["time_limit"], parsed.settings["attempts_allowed"]) == (600, 2)
        assert [q.name for q in gift.questions] == ["First", "Drawn 0", "Drawn 1", "Drawn 2", "Last"]

        # imported into a new quiz, the same structure comes back
        again = make_quiz(course=course, title="Copy")
        fresh = bank_services.category_create(actor=acme_teacher, course=course, name="Fresh")
        with run_jobs():
            services.transfer_create(
                actor=acme_teacher,
                upload=export.content,
                category=fresh,
                assessment=again,
                apply_settings=True,
            )
        slots = list(Slot.objects.filter(assessment=again).select_related("question", "random_category"))
        assert [(s.question.name if s.question else s.random_category.name, s.mark) for s in slots] == [
            ("First", Decimal("3")),
            ("Pool", Decimal("5")),
            ("Pool", Decimal("5")),
            ("Last", Decimal("1")),
        ]
        again.refresh_from_db()
        assert (again.time_limit, again.attempts_allowed) == (600, 2)


def test_exports_are_for_editors_only(acme, acme_teacher, acme_student, bank):
    from tests.conftest import person

    course, root = bank
    with in_org(acme):
        quiz = make_quiz(course=course, questions=[make_question(category=root)])
        south_teacher = person(acme, "south-teacher")

        assert selectors.assessment_export(viewer=south_teacher, assessment=quiz, file_format="gift") is None
        assert selectors.category_export(viewer=south_teacher, category=root, file_format="gift") is None
        assert selectors.category_export(viewer=acme_student, category=root, file_format="qti") is None
