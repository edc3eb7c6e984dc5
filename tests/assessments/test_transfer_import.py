"""Question imports (apps.assessments.transfer.services): GIFT and QTI files become questions of the bank
(and slots of a quiz), each question reported as created or skipped with its reason; a file that cannot be
read fails the job with nothing written; running a job again is harmless."""

from decimal import Decimal

import pytest
from model_bakery import baker

from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.formats.gift import parse_gift
from apps.assessments.models import Attempt, Question, QuestionCategory, Slot, TransferJob
from apps.assessments.qtypes import qtype_for
from apps.assessments.transfer import selectors, services
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.conftest import in_org

from . import test_transfer_common as common
from .test_transfer_common import (
    BAD_QUESTION,
    GIFT_ALL_TYPES,
    QTI_WITH_GROUP,
    entity_bomb,
    gift_file,
    t2q,
    zip_bomb,
    zip_file,
    zip_slip,
)

pytestmark = pytest.mark.django_db

bank = common.bank  # fixtures
run_jobs = common.run_jobs


def imported(actor, upload, category, run_jobs, **options) -> TransferJob:
    with run_jobs():
        job = services.transfer_create(actor=actor, upload=upload, category=category, **options)
    job.refresh_from_db()
    return job


def snapshot():
    return {
        "categories": sorted(QuestionCategory.objects.values_list("pk", "name", "parent_id")),
        "questions": sorted(Question.objects.values_list("pk", "name")),
        "slots": sorted(Slot.objects.values_list("pk", "assessment_id", "position")),
    }


# --- GIFT --------------------------------------------------------------------------------------------------


def test_a_gift_file_of_every_type_lands_as_questions_with_their_data(acme, acme_teacher, bank, run_jobs):
    _course, root = bank
    with in_org(acme):
        job = imported(acme_teacher, gift_file(GIFT_ALL_TYPES), root, run_jobs)

        assert (job.status, job.file_format, job.error) == ("completed", "gift", "")
        assert (job.total, job.processed, job.created_count, job.skipped_count) == (9, 9, 9, 0)
        parsed = {q.name: q for q in parse_gift(GIFT_ALL_TYPES).questions}
        questions = {
            q.name: q for q in Question.objects.filter(course=root.course).select_related("latest_version")
        }
        assert sorted(questions) == sorted(parsed)
        for name, question in questions.items():
            version, source = question.latest_version, parsed[name]
            assert (question.qtype, version.qtype) == (source.qtype, source.qtype)
            assert version.text == source.text
            cleaned, errors = qtype_for(source.qtype).clean(source.data)
            assert errors == {}
            assert version.data == cleaned, name
        assert {q.qtype for q in questions.values()} == {
            "truefalse",
            "choice",
            "multiple",
            "numeric",
            "shortanswer",
            "matching",
            "essay",
            "description",
        }
        assert questions["MC"].latest_version.data["options"][1]["feedback"] == "No, a salamander"
        assert [t.name for t in questions["TF"].tags.all()] == ["frogs"]
        assert questions["INTRO"].latest_version.default_mark == Decimal("0")
        # $CATEGORY paths become subcategories of the target
        assert questions["TF"].category == root
        numbers = questions["NUM"].category
        assert (numbers.name, numbers.parent.name, numbers.parent.parent) == ("Numbers", "Unit 2", root)
        assert questions["ESSAY"].category == numbers
        # the report: one row per question, in file order, with the question made
        assert [(row["name"], row["outcome"]) for row in job.report] == [(n, "created") for n in parsed]
        assert {row["question_id"] for row in job.report} == {q.pk for q in questions.values()}


def test_a_bad_question_is_skipped_with_its_reason_and_the_rest_import(acme, acme_teacher, bank, run_jobs):
    _course, root = bank
    with in_org(acme):
        job = imported(
            acme_teacher,
            gift_file("::A::Frogs are green.{T}\n\n" + BAD_QUESTION + "::B::Toads?{F}"),
            root,
            run_jobs,
        )

        assert (job.status, job.total, job.created_count, job.skipped_count) == ("completed", 3, 2, 1)
        assert [(row["ref"], row["outcome"]) for row in job.report] == [
            ("line 1", "created"),
            ("line 3", "skipped"),
            ("line 5", "created"),
        ]
        assert "Negative weights" in job.report[1]["reason"]
        assert sorted(Question.objects.filter(category=root).values_list("name", flat=True)) == ["A", "B"]


def test_a_question_the_bank_refuses_is_skipped_with_the_services_reason(acme, acme_teacher, bank, run_jobs):
    """The parser takes any category path; the bank allows 20 levels: that question alone is skipped."""
    _course, root = bank
    deep = "/".join(f"L{i}" for i in range(21))
    with in_org(acme):
        job = imported(
            acme_teacher,
            gift_file(f"$CATEGORY: {deep}\n\n::Deep::Frogs?{{T}}\n\n$CATEGORY: top\n\n::OK::Toads?{{F}}"),
            root,
            run_jobs,
        )

        assert (job.status, job.created_count, job.skipped_count) == ("completed", 1, 1)
        assert [(row["name"], row["outcome"]) for row in job.report] == [
            ("Deep", "skipped"),
            ("OK", "created"),
        ]
        assert job.report[0]["reason"] == "category: At most 20 levels of categories."
        assert list(Question.objects.filter(category=root).values_list("name", flat=True)) == ["OK"]
        assert not QuestionCategory.objects.filter(parent=root).exists()


def test_a_file_that_is_not_gift_fails_the_job_and_writes_nothing(acme, acme_teacher, bank, run_jobs):
    _course, root = bank
    with in_org(acme):
        before = snapshot()
        job = imported(acme_teacher, gift_file("Just some prose, no braces."), root, run_jobs)

        assert job.status == "failed"
        assert job.error.startswith("The file could not be imported: No questions found")
        assert job.error.endswith("Nothing was imported.")
        assert (job.report, job.created_count) == ([], 0)
        assert snapshot() == before


def test_a_crash_half_way_rolls_everything_back_and_fails_the_job(
    acme, acme_teacher, bank, run_jobs, monkeypatch
):
    _course, root = bank
    real = services.bank_services.question_create
    calls = []

    def crash_on_the_third(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real(**kwargs)

    monkeypatch.setattr(services.bank_services, "question_create", crash_on_the_third)
    with in_org(acme):
        before = snapshot()
        job = imported(acme_teacher, gift_file(GIFT_ALL_TYPES), root, run_jobs)

        assert len(calls) == 3
        assert job.status == "failed"
        assert job.error == "The import stopped on an unexpected error (RuntimeError); nothing was imported."
        assert (job.processed, job.created_count, job.report) == (0, 0, [])
        assert snapshot() == before  # the two questions and the categories made before the crash are gone


def test_running_a_job_again_is_harmless(acme, acme_teacher, bank, run_jobs):
    _course, root = bank
    with in_org(acme):
        job = imported(acme_teacher, gift_file(GIFT_ALL_TYPES), root, run_jobs)
        after_first = snapshot()

        again = services.transfer_run(job_id=job.pk)

        assert again.status == "completed"
        assert snapshot() == after_first
        assert Question.objects.filter(course=root.course).count() == 9


def test_a_failed_or_interrupted_job_runs_again_cleanly(acme, acme_teacher, bank, run_jobs, monkeypatch):
    _course, root = bank
    with in_org(acme):
        monkeypatch.setattr(
            services, "_parse", lambda job: (_ for _ in ()).throw(RuntimeError("worker lost"))
        )
        job = imported(acme_teacher, gift_file(GIFT_ALL_TYPES), root, run_jobs)
        assert job.status == "failed"
        monkeypatch.undo()
        # an interrupted run (the worker died mid-way: its transaction rolled back) stays "running"
        TransferJob.objects.filter(pk=job.pk).update(status="running")

        again = services.transfer_run(job_id=job.pk)

        assert (again.status, again.error, again.created_count) == ("completed", "", 9)
        assert Question.objects.filter(course=root.course).count() == 9


def test_progress_is_published_while_the_job_runs(acme, acme_teacher, bank, run_jobs, monkeypatch):
    _course, root = bank
    seen = []
    real = services.bank_services.question_create

    def watch(**kwargs):
        job = TransferJob.objects.get()
        seen.append(selectors.progress_of(job))
        return real(**kwargs)

    monkeypatch.setattr(services.bank_services, "question_create", watch)
    with in_org(acme):
        imported(
            acme_teacher,
            gift_file("::A::a?{T}\n\n" + BAD_QUESTION + "::B::b?{T}\n\n::C::c?{F}"),
            root,
            run_jobs,
        )

    assert [(p.total, p.processed, p.created, p.skipped) for p in seen] == [
        (4, 1, 0, 1),  # the parser's skipped question is counted first
        (4, 2, 1, 1),
        (4, 3, 2, 1),
    ]
    assert seen[1].percent == 50


# --- QTI ---------------------------------------------------------------------------------------------------


def test_a_qti_package_imports_into_a_quiz_with_its_group_as_random_slots(acme, acme_teacher, bank, run_jobs):
    course, root = bank
    with in_org(acme):
        quiz = make_quiz(course=course, title="Week 1")
        job = imported(
            acme_teacher, zip_file(t2q(QTI_WITH_GROUP)), root, run_jobs, assessment=quiz, apply_settings=True
        )

        assert (job.status, job.file_format) == ("completed", "qti")
        assert (job.total, job.created_count, job.skipped_count) == (5, 5, 0)
        slots = list(Slot.objects.filter(assessment=quiz).select_related("question", "random_category"))
        assert [
            (s.question.name if s.question else None, s.random_category_id is not None) for s in slots
        ] == [
            (slots[0].question.name, False),
            (None, True),
            (None, True),
            (slots[3].question.name, False),
        ]
        assert [s.question.latest_version.text for s in (slots[0], slots[3])] == [
            "<p>Before the group?</p>",
            "<p>After the group?</p>",
        ]
        group = slots[1].random_category
        assert group.parent == root
        assert {s.random_category_id for s in slots[1:3]} == {group.pk}
        assert [s.mark for s in slots[1:3]] == [Decimal("4"), Decimal("4")]
        assert not slots[1].random_subcategories
        assert sorted(
            Question.objects.filter(category=group).values_list("latest_version__text", flat=True)
        ) == ["<p>G1?</p>", "<p>G2?</p>", "<p>G3?</p>"]
        quiz.refresh_from_db()
        assert (quiz.shuffle_answers, quiz.questions_per_page) == (True, 1)
        assert quiz.item.title == "Week 1 check"
        kinds = [(row["kind"], row["outcome"]) for row in job.report]
        assert kinds[0] == ("settings", "applied")
        assert ("group", "created") in kinds


def test_a_job_remembers_to_apply_the_settings_so_a_later_run_applies_them_too(acme, acme_teacher, bank):
    course, root = bank
    with in_org(acme):
        quiz = make_quiz(course=course, title="Week 1")
        # Queued, never run by its task (a worker lost it): a later run by job id alone does what was asked.
        job = services.transfer_create(
            actor=acme_teacher,
            upload=zip_file(t2q(QTI_WITH_GROUP)),
            category=root,
            assessment=quiz,
            apply_settings=True,
        )
        assert TransferJob.objects.get(pk=job.pk).apply_settings is True

        services.transfer_run(job_id=job.pk)

        quiz.refresh_from_db()
        assert quiz.item.title == "Week 1 check"
        assert TransferJob.objects.get(pk=job.pk).report[0]["kind"] == "settings"


def test_without_a_quiz_a_group_is_a_subcategory_of_its_questions(acme, acme_teacher, bank, run_jobs):
    _course, root = bank
    with in_org(acme):
        job = imported(acme_teacher, zip_file(t2q(QTI_WITH_GROUP)), root, run_jobs)

        assert job.status == "completed"
        assert Question.objects.filter(category=root).count() == 2
        (group,) = QuestionCategory.objects.filter(parent=root)
        assert Question.objects.filter(category=group).count() == 3
        assert Slot.objects.count() == 0


@pytest.mark.parametrize(
    ("package", "message"),
    [
        (zip_slip, "points outside the archive"),
        (zip_bomb, "too big"),
        (entity_bomb, "declares entities or a DTD"),
    ],
    ids=["zip slip", "zip bomb", "xml entities"],
)
def test_a_hostile_archive_fails_the_job_with_a_clear_error_and_writes_nothing(
    package, message, acme, acme_teacher, bank, run_jobs
):
    course, root = bank
    with in_org(acme):
        quiz = make_quiz(course=course)
        before = snapshot()
        job = imported(acme_teacher, zip_file(package()), root, run_jobs, assessment=quiz)

        assert job.status == "failed"
        assert job.error.startswith("The file could not be imported: ")
        assert message in job.error
        assert snapshot() == before


def test_the_format_is_read_from_the_bytes_unless_given(acme, acme_teacher, bank):
    _course, root = bank
    with in_org(acme):
        as_zip = services.transfer_create(
            actor=acme_teacher, upload=zip_file(t2q(QTI_WITH_GROUP), "x.txt"), category=root
        )
        as_text = services.transfer_create(
            actor=acme_teacher, upload=gift_file("Q{T}", "x.zip"), category=root
        )
        forced = services.transfer_create(
            actor=acme_teacher, upload=gift_file("Q{T}"), category=root, file_format="qti"
        )

        assert (as_zip.file_format, as_text.file_format, forced.file_format) == ("qti", "gift", "qti")
        assert bytes(as_text.data) == b"Q{T}"


# --- refusals before anything is stored ------------------------------------------------------------------


def test_an_oversized_file_is_refused_before_it_is_stored(acme, acme_teacher, bank):
    _course, root = bank
    with in_org(acme):
        too_big = gift_file("Q{T}\n" + "x" * services.MAX_BYTES["gift"])

        with pytest.raises(services.UploadTooLarge) as caught:
            services.transfer_create(actor=acme_teacher, upload=too_big, category=root)

        assert caught.value.status_code == 413
        assert "at most 2 MB" in caught.value.message
        assert TransferJob.objects.count() == 0


def test_only_the_banks_and_quizzes_the_actor_may_use(acme, acme_teacher, acme_student, bank):
    _course, root = bank
    with in_org(acme):
        other_bank = baker.make_recipe("assessments.category")  # a course someone else owns
        other_quiz = make_quiz()

        with pytest.raises(PermissionDenied):
            services.transfer_create(actor=acme_student, upload=gift_file("Q{T}"), category=root)
        with pytest.raises(PermissionDenied):
            services.transfer_create(actor=acme_teacher, upload=gift_file("Q{T}"), category=other_bank)
        with pytest.raises(PermissionDenied):
            services.transfer_create(
                actor=acme_teacher, upload=gift_file("Q{T}"), category=root, assessment=other_quiz
            )
        with pytest.raises(ValidationFailed) as empty:
            services.transfer_create(actor=acme_teacher, upload=gift_file(""), category=root)
        with pytest.raises(ValidationFailed) as unknown:
            services.transfer_create(
                actor=acme_teacher, upload=gift_file("Q{T}"), category=root, file_format="xml"
            )
        assert TransferJob.objects.count() == 0
    assert "file" in empty.value.field_errors
    assert "format" in unknown.value.field_errors


def test_a_quiz_learners_attempted_is_refused(acme, acme_teacher, acme_student, bank):
    course, root = bank
    with in_org(acme):
        quiz = make_quiz(course=course, questions=[make_question(category=root)])
        Attempt.objects.create(assessment=quiz, user=acme_student, number=1)

        with pytest.raises(Conflict):
            services.transfer_create(
                actor=acme_teacher, upload=gift_file("Q{T}"), category=root, assessment=quiz
            )
