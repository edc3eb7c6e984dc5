"""The imports API: who may use it, what it shows of a job while it runs and once it is done, and the
report download."""

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from apps.imports import services
from apps.imports.models import ImportJob, ImportRow
from tests.api.helpers import assert_error, assert_ok

from .conftest import api_for, csv_bytes, in_schema, report_of, upload
from .test_import_runs import ROWS


def make_job(organization, user, rows=ROWS, *, run_jobs=None):
    client = api_for(organization, user)
    if run_jobs is None:
        return assert_ok(upload(client, csv_bytes(rows)), 201)["id"]
    with run_jobs():
        return assert_ok(upload(client, csv_bytes(rows)), 201)["id"]


def test_progress_is_committed_chunk_by_chunk_and_a_retry_resumes(acme, acme_admin, monkeypatch):
    """A job interrupted after its first chunk shows that chunk's progress to other requests; running it
    again (the task's retry) applies only the remaining rows."""
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    rows = [(f"chunk{i}@acme.example.com", "", "student", "north", "") for i in range(5)]
    job_id = make_job(acme, acme_admin, rows)  # queued: nothing runs before the upload's transaction commits
    client = api_for(acme, acme_admin)
    queued = assert_ok(client.get(f"/api/v1/imports/{job_id}"))
    assert (
        queued["status"],
        queued["total_rows"],
        queued["processed_rows"],
        queued["progress_percent"],
        queued["report_url"],
    ) == ("queued", 5, 0, 0, None)
    real_apply = services.apply_chunk
    calls = []

    def apply_then_lose_the_database(*args, **kwargs):
        calls.append(len(args[1]))
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(services, "apply_chunk", apply_then_lose_the_database)
    with in_schema(acme), pytest.raises(OperationalError):
        services.import_run(job_id=job_id)

    running = assert_ok(client.get(f"/api/v1/imports/{job_id}"))
    assert (
        running["status"],
        running["processed_rows"],
        running["progress_percent"],
        running["created"],
        running["report_url"],
    ) == ("running", 2, 40, 2, None)
    assert_error(client.get(f"/api/v1/imports/{job_id}/report"), 409, "INVALID_STATE")

    with in_schema(acme):
        services.import_run(job_id=job_id)

    done = assert_ok(client.get(f"/api/v1/imports/{job_id}"))
    assert (done["status"], done["processed_rows"], done["progress_percent"], done["created"]) == (
        "completed",
        5,
        100,
        5,
    )
    assert calls == [2, 2, 2, 1]
    with in_schema(acme):
        numbers = list(ImportRow.objects.filter(job_id=job_id).values_list("row_number", flat=True))
        assert numbers == [2, 3, 4, 5, 6]


def test_an_unexpected_error_fails_the_job_with_a_reason(acme, acme_admin, monkeypatch):
    job_id = make_job(acme, acme_admin)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "apply_chunk", broken)
    with in_schema(acme):
        services.import_run(job_id=job_id)

    job = assert_ok(api_for(acme, acme_admin).get(f"/api/v1/imports/{job_id}"))
    assert (job["status"], job["error"], job["processed_rows"]) == (
        "failed",
        "The import stopped on an unexpected error (RuntimeError).",
        0,
    )
    assert job["report_url"] == f"/api/v1/imports/{job_id}/report"


def test_the_report_downloads_as_csv(acme, acme_admin, run_jobs):
    rows = [*ROWS, ("=cmd|' /C calc'!A0", "", "student", "north", "")]
    job_id = make_job(acme, acme_admin, rows, run_jobs=run_jobs)

    response = api_for(acme, acme_admin).get(f"/api/v1/imports/{job_id}/report")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="import-{job_id}-report.csv"'
    assert report_of(response) == [
        {
            "row": "2",
            "email": "new.student@acme.example.com",
            "outcome": "created",
            "reason": "Invited as Student in class 'Algebra 1' of branch north",
        },
        {
            "row": "3",
            "email": "new.teacher@acme.example.com",
            "outcome": "created",
            "reason": "Invited as Teacher in class 'Chemistry 2' of branch south; created class 'Chemistry 2' "
            "in branch south",
        },
        {"row": "4", "email": "teacher@acme.example.com", "outcome": "updated", "reason": "Name changed"},
        {
            "row": "5",
            "email": "student@acme.example.com",
            "outcome": "unchanged",
            "reason": "Already up to date",
        },
        # A spreadsheet must not run what someone typed into the file: formulas are quoted.
        {
            "row": "6",
            "email": "'=cmd|' /c calc'!a0",
            "outcome": "failed",
            "reason": "'=cmd|' /C calc'!A0' is not a valid email address.",
        },
    ]


def test_the_list_shows_jobs_newest_first_with_their_counts(acme, acme_admin, run_jobs):
    first = make_job(acme, acme_admin, run_jobs=run_jobs)
    second = make_job(acme, acme_admin, run_jobs=run_jobs)

    response = api_for(acme, acme_admin).get("/api/v1/imports")

    data = assert_ok(response)
    assert [(j["id"], j["status"], j["created"], j["unchanged"], j["created_by"]) for j in data] == [
        (second, "completed", 0, 4, "orgadmin@acme.example.com"),
        (first, "completed", 2, 1, "orgadmin@acme.example.com"),
    ]
    assert response.json()["meta"]["total"] == 2
    assert set(data[0]) == {
        "id",
        "status",
        "outcome",
        "filename",
        "file_format",
        "size_bytes",
        "send_invitations",
        "total_rows",
        "processed_rows",
        "progress_percent",
        "created",
        "updated",
        "unchanged",
        "failed",
        "error",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "report_url",
        "page_url",
    }
    assert data[0]["page_url"] == f"/manage/imports/{second}/"


def test_the_list_filters_and_sorts(acme, acme_admin, run_jobs):
    done = make_job(acme, acme_admin, run_jobs=run_jobs)
    queued = make_job(acme, acme_admin)
    client = api_for(acme, acme_admin)

    def ids(**params):
        return [job["id"] for job in assert_ok(client.get("/api/v1/imports", params))]

    assert ids(**{"filter[status]": "queued"}) == [queued]
    assert ids(sort="created_at") == [done, queued]
    assert_error(client.get("/api/v1/imports", {"filter[filename]": "x"}), 400, "INVALID_FILTER")


def test_the_list_costs_the_same_queries_for_one_job_or_many(acme, acme_admin):
    client = api_for(acme, acme_admin)
    make_job(acme, acme_admin)

    with CaptureQueriesContext(connection) as one:
        assert len(assert_ok(client.get("/api/v1/imports"))) == 1
    for _ in range(4):
        make_job(acme, acme_admin)
    with CaptureQueriesContext(connection) as five:
        assert len(assert_ok(client.get("/api/v1/imports"))) == 5

    assert len(five) == len(one)
    assert not any('"imports_importjob"."source"' in query["sql"] for query in five.captured_queries)


@pytest.mark.parametrize("path", ["/api/v1/imports", "/api/v1/imports/{id}", "/api/v1/imports/{id}/report"])
def test_teachers_and_students_may_not_use_imports(
    path, acme, acme_admin, acme_teacher, acme_student, run_jobs
):
    job_id = make_job(acme, acme_admin, run_jobs=run_jobs)
    for user in (acme_teacher, acme_student):
        error = assert_error(api_for(acme, user).get(path.format(id=job_id)), 403, "PERMISSION_DENIED")
        assert error["message"] == "Only Org Admins and Branch Managers may import people."


def test_teachers_may_not_upload(acme, acme_teacher):
    response = upload(api_for(acme, acme_teacher), csv_bytes(ROWS))

    assert_error(response, 403, "PERMISSION_DENIED")
    with in_schema(acme):
        assert ImportJob.objects.count() == 0


def test_a_branch_manager_sees_only_their_own_imports(acme, acme_admin, acme_manager, run_jobs):
    admins = make_job(acme, acme_admin, run_jobs=run_jobs)
    managers = make_job(
        acme, acme_manager, [("m@acme.example.com", "", "student", "north", "")], run_jobs=run_jobs
    )
    manager = api_for(acme, acme_manager)

    assert [j["id"] for j in assert_ok(manager.get("/api/v1/imports"))] == [managers]
    assert assert_ok(manager.get(f"/api/v1/imports/{managers}"))["created"] == 1
    missing = assert_error(manager.get("/api/v1/imports/999999"), 404, "NOT_FOUND")
    assert assert_error(manager.get(f"/api/v1/imports/{admins}"), 404, "NOT_FOUND") == missing
    assert_error(manager.get(f"/api/v1/imports/{admins}/report"), 404, "NOT_FOUND")
    admin_sees = assert_ok(api_for(acme, acme_admin).get("/api/v1/imports"))
    assert [job["id"] for job in admin_sees] == [managers, admins]


def test_a_globex_job_is_not_found_on_acmes_host(acme, acme_admin, globex, globex_admin, run_jobs):
    globex_job = make_job(
        globex, globex_admin, [("g@globex.example.com", "", "student", "north", "")], run_jobs=run_jobs
    )
    acme_client = api_for(acme, acme_admin)

    detail = acme_client.get(f"/api/v1/imports/{globex_job}")
    report = acme_client.get(f"/api/v1/imports/{globex_job}/report")

    assert assert_error(detail, 404, "NOT_FOUND") == assert_error(
        acme_client.get("/api/v1/imports/999999"), 404, "NOT_FOUND"
    )
    assert_error(report, 404, "NOT_FOUND")
    assert "globex" not in detail.content.decode() + report.content.decode()
    assert assert_ok(acme_client.get("/api/v1/imports")) == []


def test_a_globex_token_cannot_upload_to_acme(acme, globex, globex_admin):
    from tests.conftest import client_for, jwt_for

    intruder = client_for("acme", token=jwt_for(globex, globex_admin))

    response = upload(intruder, csv_bytes(ROWS))

    assert_error(response, 401, "TOKEN_INVALID")
    with in_schema(acme):
        assert ImportJob.objects.count() == 0


def test_anonymous_callers_are_refused(acme):
    from tests.conftest import client_for

    assert_error(client_for("acme").get("/api/v1/imports"), 401, "NOT_AUTHENTICATED")
    assert_error(upload(client_for("acme"), csv_bytes(ROWS)), 401, "NOT_AUTHENTICATED")


def test_an_api_key_imports_only_with_the_imports_write_scope(acme, acme_admin, run_jobs):
    from apps.apikeys.services import api_key_create
    from tests.conftest import client_for

    with in_schema(acme):
        reader = api_key_create(actor=acme_admin, name="Reader", scopes=["imports:read"]).raw_key
        writer = api_key_create(actor=acme_admin, name="HR sync", scopes=["imports:write"]).raw_key
        other = api_key_create(actor=acme_admin, name="People", scopes=["users:write"]).raw_key

    def key_client(raw):
        client = client_for("acme")
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
        return client

    with run_jobs():
        created = assert_ok(upload(key_client(writer), csv_bytes(ROWS)), 201)

    assert assert_ok(key_client(reader).get(f"/api/v1/imports/{created['id']}"))["created"] == 2
    assert_error(upload(key_client(reader), csv_bytes(ROWS)), 403, "PERMISSION_DENIED")
    assert_error(key_client(other).get("/api/v1/imports"), 403, "PERMISSION_DENIED")
    with in_schema(acme):
        assert ImportJob.objects.count() == 1
        assert ImportJob.objects.get().created_by_email == "orgadmin@acme.example.com"
