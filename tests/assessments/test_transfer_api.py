"""The question imports and exports API: upload, follow a job, download exports; who may see what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.formats.gift import parse_gift
from apps.assessments.formats.qti import parse_qti
from apps.assessments.models import Question, TransferJob
from apps.assessments.transfer import services
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import in_org, person

from . import test_transfer_common as common
from .test_transfer_common import GIFT_ALL_TYPES, QTI_WITH_GROUP, api_for, gift_file, t2q, zip_file, zip_slip

pytestmark = pytest.mark.django_db

bank = common.bank  # fixtures
run_jobs = common.run_jobs


def upload(client, file, **fields):
    return client.post("/api/v1/question-imports", {"file": file, **fields}, format="multipart")


def test_an_upload_answers_201_and_the_job_shows_its_progress_and_report(acme, acme_teacher, bank, run_jobs):
    _course, root = bank
    client = api_for(acme, acme_teacher)

    with run_jobs():
        created = assert_ok(upload(client, gift_file(GIFT_ALL_TYPES), category_id=root.pk), 201)
    job = assert_ok(client.get(f"/api/v1/question-imports/{created['id']}"))

    assert created["status"] == "queued"  # answered before the job ran (it runs after commit)
    assert (job["status"], job["file_format"], job["category_id"], job["course_id"]) == (
        "completed",
        "gift",
        root.pk,
        root.course_id,
    )
    assert (job["total"], job["processed"], job["progress_percent"], job["created"], job["skipped"]) == (
        9,
        9,
        100,
        9,
        0,
    )
    assert job["created_by"] == "teacher@acme.example.com"
    assert job["page_url"] == f"/questions/import/{job['id']}/"
    assert [row["name"] for row in job["report"]][:3] == ["TF", "MC", "MR"]
    assert all(row["outcome"] == "created" and row["question_id"] for row in job["report"])
    listing = assert_ok(client.get("/api/v1/question-imports"))
    assert [row["id"] for row in listing] == [job["id"]]
    assert "report" not in listing[0]
    assert assert_ok(client.get("/api/v1/question-imports?filter[status]=failed")) == []
    assert len(assert_ok(client.get(f"/api/v1/question-imports?filter[category_id]={root.pk}"))) == 1


def test_a_qti_upload_into_a_quiz(acme, acme_teacher, bank, run_jobs):
    course, root = bank
    with in_org(acme):
        quiz = make_quiz(course=course)
    client = api_for(acme, acme_teacher)

    with run_jobs():
        created = assert_ok(
            upload(client, zip_file(t2q(QTI_WITH_GROUP)), category_id=root.pk, assessment_id=quiz.pk), 201
        )
    job = assert_ok(client.get(f"/api/v1/question-imports/{created['id']}"))

    assert (job["status"], job["file_format"], job["assessment_id"], job["created"]) == (
        "completed",
        "qti",
        quiz.pk,
        5,
    )
    with in_org(acme):
        assert quiz.slots.count() == 4


def test_a_hostile_archive_fails_the_job_with_its_reason(acme, acme_teacher, bank, run_jobs):
    _course, root = bank
    client = api_for(acme, acme_teacher)

    with run_jobs():
        created = assert_ok(upload(client, zip_file(zip_slip()), category_id=root.pk), 201)
    job = assert_ok(client.get(f"/api/v1/question-imports/{created['id']}"))

    assert job["status"] == "failed"
    assert "points outside the archive" in job["error"]
    assert (job["created"], job["report"]) == (0, [])


def test_an_oversized_upload_answers_413_in_the_envelope(acme, acme_teacher, bank):
    _course, root = bank
    big = SimpleUploadedFile(
        "big.zip", b"PK" + b"\0" * services.MAX_BYTES["qti"], content_type="application/zip"
    )

    error = assert_error(
        upload(api_for(acme, acme_teacher), big, category_id=root.pk), 413, "PAYLOAD_TOO_LARGE"
    )

    assert "at most 20 MB" in error["message"]
    with in_org(acme):
        assert TransferJob.objects.count() == 0


def test_a_category_or_quiz_the_caller_may_not_use_is_refused(acme, acme_teacher, bank):
    course, root = bank
    with in_org(acme):
        quiz = make_quiz(course=course)
    south = api_for(acme, person(acme, "south-teacher"))

    no_category = upload(south, gift_file("Q{T}"), category_id=root.pk)
    no_quiz = upload(
        api_for(acme, acme_teacher), gift_file("Q{T}"), category_id=root.pk, assessment_id=999999
    )
    student = upload(api_for(acme, person(acme, "student")), gift_file("Q{T}"), category_id=root.pk)

    assert assert_error(no_category, 400, "VALIDATION_ERROR")["details"] == {
        "category_id": ["No such category."]
    }
    assert assert_error(no_quiz, 400, "VALIDATION_ERROR")["details"] == {"assessment_id": ["No such quiz."]}
    assert_error(student, 403, "PERMISSION_DENIED")
    forbidden_quiz = upload(south, gift_file("Q{T}"), category_id=root.pk, assessment_id=quiz.pk)
    assert_error(forbidden_quiz, 400, "VALIDATION_ERROR")
    with in_org(acme):
        assert TransferJob.objects.count() == 0


def test_jobs_are_seen_by_their_uploader_the_banks_editors_and_org_admins(
    acme, acme_teacher, acme_admin, acme_manager, bank, globex_admin
):
    _course, root = bank
    with in_org(acme):
        job = services.transfer_create(actor=acme_teacher, upload=gift_file("Q{T}"), category=root)
    path = f"/api/v1/question-imports/{job.pk}"

    assert assert_ok(api_for(acme, acme_admin).get(path))["id"] == job.pk
    assert_error(api_for(acme, person(acme, "south-teacher")).get(path), 404, "NOT_FOUND")
    assert_error(api_for(acme, person(acme, "student")).get(path), 403, "PERMISSION_DENIED")
    assert assert_ok(api_for(acme, person(acme, "south-teacher")).get("/api/v1/question-imports")) == []
    # the course is organization-wide (no branch): its manager is not one of its editors
    assert_error(api_for(acme, acme_manager).get(path), 404, "NOT_FOUND")


def test_exports_download_files_for_editors_and_404_for_others(
    acme, acme_teacher, bank, globex, globex_admin
):
    course, root = bank
    with in_org(acme):
        question = make_question(category=root, name="Capital")
        quiz = make_quiz(course=course, questions=[question], title="Geography quiz")
    teacher = api_for(acme, acme_teacher)

    gift = teacher.get(f"/api/v1/assessments/{quiz.pk}/export?format=gift")
    qti = teacher.get(f"/api/v1/question-categories/{root.pk}/export?format=qti")

    assert gift.status_code == 200
    assert gift["Content-Type"] == "text/plain; charset=utf-8"
    assert gift["Content-Disposition"] == 'attachment; filename="geography-quiz.gift.txt"'
    assert [q.name for q in parse_gift(gift.content).questions] == ["Capital"]
    assert qti.status_code == 200
    assert qti["Content-Disposition"] == 'attachment; filename="imported.qti.zip"'
    assert [q.name for q in parse_qti(qti.content).questions] == ["Capital"]
    south = api_for(acme, person(acme, "south-teacher"))
    assert_error(south.get(f"/api/v1/assessments/{quiz.pk}/export?format=gift"), 404, "NOT_FOUND")
    assert_error(south.get(f"/api/v1/question-categories/{root.pk}/export?format=gift"), 404, "NOT_FOUND")
    student = api_for(acme, person(acme, "student"))
    assert_error(student.get(f"/api/v1/assessments/{quiz.pk}/export?format=gift"), 403, "PERMISSION_DENIED")
    other_org = api_for(globex, globex_admin)
    assert_error(other_org.get(f"/api/v1/assessments/{quiz.pk}/export?format=gift"), 404, "NOT_FOUND")
    assert_error(other_org.get(f"/api/v1/question-categories/{root.pk}/export?format=qti"), 404, "NOT_FOUND")
    bad = assert_error(
        teacher.get(f"/api/v1/assessments/{quiz.pk}/export?format=docx"), 400, "VALIDATION_ERROR"
    )
    assert bad["details"] == {"format": ["Use gift or qti."]}


def test_the_job_list_costs_the_same_queries_for_one_job_or_many(acme, acme_teacher, bank):
    _course, root = bank
    client = api_for(acme, acme_teacher)
    with in_org(acme):
        services.transfer_create(actor=acme_teacher, upload=gift_file("Q{T}"), category=root)
    client.get("/api/v1/question-imports")  # warm: the host's organization and the caller's scope cached
    with CaptureQueriesContext(connection) as one:
        assert len(assert_ok(client.get("/api/v1/question-imports"))) == 1
    with in_org(acme):
        for _ in range(5):
            services.transfer_create(actor=acme_teacher, upload=gift_file("Q{T}"), category=root)
    with CaptureQueriesContext(connection) as six:
        assert len(assert_ok(client.get("/api/v1/question-imports"))) == 6

    assert len(six) == len(one)
    with in_org(acme):
        assert Question.objects.count() == 0  # nothing ran: no commit, no job
