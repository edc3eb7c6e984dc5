"""What a new user reads is true and the defaults are the safe ones: an import whose rows all failed says
"Failed" (and one with some failures "Completed with errors"), a learner who has not begun is "Not started",
inviting someone preselects Student, and under `make run` (DEBUG on) a missing page is the product's 404
page, not Django's list of every URL."""

import importlib
import re

import pytest
from django.test import override_settings

from apps.courses import services
from tests.api.helpers import assert_ok
from tests.conftest import browser_for, client_for, in_org, person
from tests.courses.conftest import build_course
from tests.imports.conftest import api_for, csv_bytes, upload

pytestmark = pytest.mark.django_db

BAD_ROWS = [("not-an-email", "X", "student", "north", ""), ("", "Nobody", "student", "north", "")]
MIXED_ROWS = [("fresh@acme.example.com", "Fresh", "student", "north", ""), *BAD_ROWS]


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """As in tests/imports: what commits inside queues the import, which runs eagerly at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _import(organization, user, rows, run_jobs) -> int:
    client = api_for(organization, user)
    with run_jobs():
        response = upload(client, csv_bytes(rows))
    return assert_ok(response, 201)["id"]


# --- imports ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "outcome", "label"),
    [(BAD_ROWS, "failed", "Failed"), (MIXED_ROWS, "completed_with_errors", "Completed with errors")],
)
def test_an_import_with_failed_rows_does_not_say_completed(acme, acme_admin, run_jobs, rows, outcome, label):
    job_id = _import(acme, acme_admin, rows, run_jobs)
    page = browser_for(acme, acme_admin)

    detail = page.get(f"/manage/imports/{job_id}/").content.decode()
    listing = page.get("/manage/imports/").content.decode()
    api = assert_ok(api_for(acme, acme_admin).get(f"/api/v1/imports/{job_id}"))

    assert f'<span class="status status-import-{outcome}" id="import-status">{label}</span>' in detail
    assert f'<span class="status status-import-{outcome}">{label}</span>' in listing
    assert (api["status"], api["outcome"]) == ("completed", outcome)


def test_an_import_without_failures_is_completed(acme, acme_admin, run_jobs):
    job_id = _import(acme, acme_admin, MIXED_ROWS[:1], run_jobs)

    api = assert_ok(api_for(acme, acme_admin).get(f"/api/v1/imports/{job_id}"))

    assert (api["status"], api["outcome"], api["failed"]) == ("completed", "completed", 0)


# --- enrollments -----------------------------------------------------------------------------------------------


def test_a_learner_who_has_not_begun_is_not_started_until_they_do(acme, acme_teacher, acme_student):
    course = build_course(acme, owner=acme_teacher, title="Geometry")
    teacher, student = browser_for(acme, acme_teacher), browser_for(acme, acme_student)
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=course)
    row = rf'<tr id="enrollment-\d+"[^>]*>.*?{re.escape(acme_student.email)}.*?</tr>'

    before_roster = re.search(row, teacher.get(f"/courses/{course.pk}/enrollments/").content.decode(), re.S)
    before_learning = student.get("/learning/").content.decode()
    with in_org(acme):
        lesson = course.modules.order_by("position").first().items.order_by("position").first()
        services.progress_record(actor=acme_student, item=lesson, completed=True)
    after_roster = re.search(row, teacher.get(f"/courses/{course.pk}/enrollments/").content.decode(), re.S)
    after_learning = student.get("/learning/").content.decode()

    assert '<span class="status enrollment-not_started">Not started</span>' in before_roster.group(0)
    assert '<span class="status enrollment-not_started">Not started</span>' in before_learning
    assert '<span class="status enrollment-active">In progress</span>' in after_roster.group(0)
    assert '<span class="status enrollment-active">In progress</span>' in after_learning
    assert "Not started" not in after_learning


# --- invitations -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("local", ["orgadmin", "manager"])
def test_the_invite_form_preselects_student(acme, local):
    body = browser_for(acme, person(acme, local)).get("/manage/people/invite/").content.decode()

    role_select = re.search(r'<select name="role".*?</select>', body, re.S).group(0)
    assert re.findall(r'<option value="(\w+)"[^>]* selected>', role_select) == ["student"]


# --- 404 under `make run` ------------------------------------------------------------------------------------------


@pytest.fixture
def local_settings():
    """The request handling of config/settings/local.py (DEBUG on, its middleware)."""
    local = importlib.import_module("config.settings.local")
    assert local.DEBUG is True
    with override_settings(DEBUG=True, MIDDLEWARE=local.MIDDLEWARE):
        yield


@pytest.mark.parametrize("path", ["/no-such-page/", "/courses/999999/"])
def test_a_missing_page_under_debug_is_the_product_404(acme, acme_student, local_settings, path):
    response = browser_for(acme, acme_student).get(path)

    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Page not found</h1>" in body
    assert "URLconf" not in body
    assert "DEBUG = True" not in body


def test_under_debug_the_slash_redirect_and_the_api_404_still_work(acme, acme_admin, local_settings):
    page = browser_for(acme, acme_admin)

    assert page.get("/manage/people")["Location"] == "/manage/people/"
    api = client_for("acme").get("/api/v1/no-such-endpoint")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "NOT_FOUND"
