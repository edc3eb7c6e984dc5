"""The import pages: upload, past imports, one import's progress and its report."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import browser_for

from .conftest import csv_bytes, report_of
from .test_api import make_job
from .test_import_runs import ROWS


def page_upload(page, content, filename="people.csv", **fields):
    return page.post("/manage/imports/", {"file": SimpleUploadedFile(filename, content), **fields})


def test_an_upload_runs_and_lands_on_its_finished_progress_page(acme, acme_admin, run_jobs):
    page = browser_for(acme, acme_admin)

    with run_jobs():
        response = page_upload(page, csv_bytes(ROWS))

    assert response.status_code == 302
    assert re.fullmatch(r"/manage/imports/\d+/", response["Location"])
    html = page.get(response["Location"]).content.decode()
    assert '<span class="status status-import-completed" id="import-status">Completed</span>' in html
    assert '<progress id="import-progress-bar" max="100" value="100"' in html
    assert '<dd data-field="created">2</dd>' in html
    assert '<dd data-field="updated">1</dd>' in html
    assert '<dd data-field="unchanged">1</dd>' in html
    assert '<dd data-field="failed">0</dd>' in html
    assert 'href="' + response["Location"] + 'report.csv"' in html
    assert 'id="import-report">' in html  # shown, not hidden
    assert 'http-equiv="refresh"' not in html  # finished: nothing to wait for
    assert "/static/js/imports.js" in html


def test_a_queued_import_refreshes_itself_without_javascript(acme, acme_admin):
    job_id = make_job(acme, acme_admin)  # not run: the upload's transaction never commits in a test

    html = browser_for(acme, acme_admin).get(f"/manage/imports/{job_id}/").content.decode()

    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert '<progress id="import-progress-bar" max="100" value="0"' in html
    assert f'data-status-url="/api/v1/imports/{job_id}"' in html
    assert 'id="import-report" hidden>' in html
    assert '<span data-field="processed_rows">0</span> of <span data-field="total_rows">4</span>' in html


def test_the_report_page_downloads_the_csv_once_finished(acme, acme_admin, run_jobs):
    finished = make_job(acme, acme_admin, run_jobs=run_jobs)
    queued = make_job(acme, acme_admin)
    page = browser_for(acme, acme_admin)

    report = page.get(f"/manage/imports/{finished}/report.csv")
    waiting = page.get(f"/manage/imports/{queued}/report.csv")

    assert report.status_code == 200
    assert [(r["row"], r["outcome"]) for r in report_of(report)] == [
        ("2", "created"),
        ("3", "created"),
        ("4", "updated"),
        ("5", "unchanged"),
    ]
    assert (waiting.status_code, waiting["Location"]) == (302, f"/manage/imports/{queued}/")


def test_the_list_shows_past_imports(acme, acme_admin, run_jobs):
    job_id = make_job(acme, acme_admin, run_jobs=run_jobs)

    html = browser_for(acme, acme_admin).get("/manage/imports/").content.decode()

    assert f'<a href="/manage/imports/{job_id}/">#{job_id} people.csv</a>' in html
    assert '<span class="status status-import-completed">Completed</span>' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="send_invitations"' in html


def test_the_list_page_costs_the_same_queries_for_one_import_or_many(acme, acme_admin):
    page = browser_for(acme, acme_admin)
    make_job(acme, acme_admin)
    with CaptureQueriesContext(connection) as one:
        page.get("/manage/imports/")
    for _ in range(4):
        make_job(acme, acme_admin)

    with CaptureQueriesContext(connection) as five:
        html = page.get("/manage/imports/").content.decode()

    assert len(re.findall(r'<a href="/manage/imports/\d+/">', html)) == 5
    assert len(five) == len(one)


def test_a_branch_manager_uses_the_pages_for_their_own_imports(acme, acme_admin, acme_manager, run_jobs):
    admins = make_job(acme, acme_admin, run_jobs=run_jobs)
    managers = make_job(
        acme, acme_manager, [("m@acme.example.com", "", "student", "north", "")], run_jobs=run_jobs
    )
    page = browser_for(acme, acme_manager)

    listing = page.get("/manage/imports/").content.decode()

    assert f"/manage/imports/{managers}/" in listing
    assert f"/manage/imports/{admins}/" not in listing
    assert page.get(f"/manage/imports/{managers}/").status_code == 200
    assert page.get(f"/manage/imports/{admins}/").status_code == 404
    assert page.get(f"/manage/imports/{admins}/report.csv").status_code == 404


@pytest.mark.parametrize(
    "path", ["/manage/imports/", "/manage/imports/{id}/", "/manage/imports/{id}/report.csv"]
)
def test_teachers_and_students_get_a_forbidden_page(
    path, acme, acme_admin, acme_teacher, acme_student, run_jobs
):
    job_id = make_job(acme, acme_admin, run_jobs=run_jobs)
    for user in (acme_teacher, acme_student):
        response = browser_for(acme, user).get(path.format(id=job_id))

        assert response.status_code == 403
        assert "You do not have permission to do this." in response.content.decode()


def test_a_teacher_cannot_upload_through_the_page(acme, acme_teacher):
    response = page_upload(browser_for(acme, acme_teacher), csv_bytes(ROWS))

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(acme):
    response = browser_for(acme).get("/manage/imports/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/manage/imports/"


def test_a_globex_import_is_not_found_on_acmes_host(acme, acme_admin, globex, globex_admin, run_jobs):
    globex_job = make_job(
        globex, globex_admin, [("g@globex.example.com", "", "student", "north", "")], run_jobs=run_jobs
    )
    page = browser_for(acme, acme_admin)

    detail = page.get(f"/manage/imports/{globex_job}/")
    report = page.get(f"/manage/imports/{globex_job}/report.csv")

    assert (detail.status_code, report.status_code) == (404, 404)
    assert "globex" not in detail.content.decode().lower()
