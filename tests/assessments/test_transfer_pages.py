"""The import pages (/questions/import/, /questions/import/<id>/) and the export downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.formats.gift import parse_gift
from apps.assessments.models import Question, TransferJob
from apps.assessments.transfer import services
from tests.conftest import browser_for, in_org, person

from . import test_transfer_common as common
from .test_transfer_common import BAD_QUESTION, gift_file

pytestmark = pytest.mark.django_db

bank = common.bank
run_jobs = common.run_jobs  # fixtures


def test_the_upload_form_lists_the_viewers_banks_and_quizzes(acme, acme_teacher, bank):
    course, root = bank
    with in_org(acme):
        quiz = make_quiz(course=course, title="Week 1")

    page = browser_for(acme, acme_teacher).get("/questions/import/")

    html = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{root.pk}">Biology: Imported</option>' in html
    assert f'<option value="{quiz.pk}">Biology: Week 1</option>' in html
    assert 'action="/questions/import/upload/"' in html
    assert "No imports yet." in html


def test_uploading_on_the_page_runs_the_import_and_shows_its_report(acme, acme_teacher, bank, run_jobs):
    _course, root = bank
    browser = browser_for(acme, acme_teacher)

    with run_jobs():
        response = browser.post(
            "/questions/import/upload/",
            {"file": gift_file("::Frogs::Frogs are green.{T}\n\n" + BAD_QUESTION), "category": root.pk},
        )
    with in_org(acme):
        job = TransferJob.objects.get()
    detail = browser.get(response["Location"])
    listing = browser.get("/questions/import/")

    assert response.status_code == 302
    assert response["Location"] == f"/questions/import/{job.pk}/"
    html = detail.content.decode()
    assert detail.status_code == 200
    assert 'http-equiv="refresh"' not in html  # finished: no more reloading
    assert "2 of 2 questions processed (100%)." in html
    assert "Frogs" in html
    assert "Negative weights" in html
    assert f"#{job.pk} quiz.gift.txt" in listing.content.decode()


def test_a_running_job_page_reloads_itself(acme, acme_teacher, bank):
    _course, root = bank
    with in_org(acme):
        job = services.transfer_create(actor=acme_teacher, upload=gift_file("Q{T}"), category=root)

    page = browser_for(acme, acme_teacher).get(f"/questions/import/{job.pk}/")

    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="3">' in page.content.decode()


def test_an_oversized_file_is_a_form_error_and_nothing_is_stored(acme, acme_teacher, bank):
    _course, root = bank
    big = SimpleUploadedFile("big.txt", b"Q{T}" + b" " * services.MAX_BYTES["gift"])

    response = browser_for(acme, acme_teacher).post(
        "/questions/import/upload/", {"file": big, "category": root.pk}
    )

    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
    with in_org(acme):
        assert TransferJob.objects.count() == 0


def test_a_category_of_another_bank_is_a_404_and_nothing_is_stored(acme, acme_teacher, bank):
    _course, root = bank
    south = browser_for(acme, person(acme, "south-teacher"))

    response = south.post("/questions/import/upload/", {"file": gift_file("Q{T}"), "category": root.pk})

    assert response.status_code == 404
    with in_org(acme):
        assert TransferJob.objects.count() == 0


def test_students_get_the_403_page_and_others_jobs_are_404(acme, acme_teacher, bank):
    _course, root = bank
    with in_org(acme):
        job = services.transfer_create(actor=acme_teacher, upload=gift_file("Q{T}"), category=root)

    assert browser_for(acme, person(acme, "student")).get("/questions/import/").status_code == 403
    assert (
        browser_for(acme, person(acme, "south-teacher")).get(f"/questions/import/{job.pk}/").status_code
        == 404
    )


def test_export_pages_download_the_files(acme, acme_teacher, bank):
    course, root = bank
    with in_org(acme):
        quiz = make_quiz(
            course=course, questions=[make_question(category=root, name="Capital")], title="Week 1"
        )
    browser = browser_for(acme, acme_teacher)

    choose = browser.get(f"/quizzes/{quiz.pk}/export/")
    gift = browser.get(f"/quizzes/{quiz.pk}/export/gift/")
    qti = browser.get(f"/questions/categories/{root.pk}/export/qti/")

    assert choose.status_code == 200
    assert f'href="/quizzes/{quiz.pk}/export/qti/"' in choose.content.decode()
    assert gift["Content-Disposition"] == 'attachment; filename="week-1.gift.txt"'
    assert [q.name for q in parse_gift(gift.content).questions] == ["Capital"]
    assert qti["Content-Type"] == "application/zip"
    assert browser.get(f"/quizzes/{quiz.pk}/export/docx/").status_code == 404
    south = browser_for(acme, person(acme, "south-teacher"))
    assert south.get(f"/quizzes/{quiz.pk}/export/gift/").status_code == 404
    assert south.get(f"/questions/categories/{root.pk}/export/").status_code == 404
    with in_org(acme):
        assert Question.objects.count() == 1
