"""Every import job has a time budget (IMPORT_JOB_TIME_LIMIT_SECONDS, counted from its first start, retries
included): past it the job stops between two chunks as failed, keeping the rows it committed, and a retry
leaves it alone. The task's Celery soft limit ends a hung chunk the same way (the chunk rolled back); a job
redelivered after the hard limit killed its worker fails at once."""

from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.imports import services, tasks
from apps.imports.models import ImportJob, ImportRow
from tests.api.helpers import assert_ok

from .conftest import api_for, in_schema
from .test_api import make_job

PEOPLE = [(f"slow{i}@acme.example.com", "", "student", "north", "") for i in range(5)]


def stopped(done: int, *, minutes: str) -> str:
    return (
        f"The import was stopped: it ran longer than {minutes}, the most one import may take. {done} of 5 "
        "rows were imported; upload the same file again to import the rest (the rows already imported will "
        "be reported as unchanged)."
    )


def job_of(organization, user, job_id) -> dict:
    return assert_ok(api_for(organization, user).get(f"/api/v1/imports/{job_id}"))


def test_an_import_past_its_time_budget_stops_as_failed_and_keeps_what_it_committed(
    acme, acme_admin, monkeypatch, settings, run_jobs
):
    settings.IMPORT_JOB_TIME_LIMIT_SECONDS = 60
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    job_id = make_job(acme, acme_admin, PEOPLE)  # queued: the upload's transaction never commits in a test
    now = [timezone.now()]
    monkeypatch.setattr(services, "_clock", lambda: now[0])
    real_apply = services.apply_chunk

    def a_minute_per_chunk(*args, **kwargs):
        result = real_apply(*args, **kwargs)
        now[0] += timedelta(seconds=61)
        return result

    monkeypatch.setattr(services, "apply_chunk", a_minute_per_chunk)

    with in_schema(acme):
        services.import_run(job_id=job_id)
        services.import_run(job_id=job_id)  # the task run again: a finished job is left alone

    job = job_of(acme, acme_admin, job_id)
    assert (job["status"], job["processed_rows"], job["created"], job["error"]) == (
        "failed",
        2,
        2,
        stopped(2, minutes="1 minute"),
    )
    with in_schema(acme):
        assert ImportRow.objects.filter(job_id=job_id).count() == 2
        assert AuditEntry.objects.filter(action="import.failed", target_id=str(job_id)).count() == 1
    monkeypatch.undo()

    again = make_job(acme, acme_admin, PEOPLE, run_jobs=run_jobs)  # uploading the file again finishes it

    job = job_of(acme, acme_admin, again)
    assert (job["status"], job["created"], job["unchanged"]) == ("completed", 3, 2)


def test_a_chunk_cut_by_the_soft_time_limit_is_rolled_back_and_the_job_fails(acme, acme_admin, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    job_id = make_job(acme, acme_admin, PEOPLE)
    real_apply = services.apply_chunk
    calls = []

    def hang_on_the_second_chunk(*args, **kwargs):
        calls.append(1)
        result = real_apply(*args, **kwargs)
        if len(calls) == 2:
            raise SoftTimeLimitExceeded()  # what Celery raises inside the task at its soft time limit
        return result

    monkeypatch.setattr(services, "apply_chunk", hang_on_the_second_chunk)

    with in_schema(acme):
        status = tasks.run_import.delay(job_id=job_id).get()

    assert status == "failed"
    job = job_of(acme, acme_admin, job_id)
    assert (job["processed_rows"], job["created"], job["error"]) == (2, 2, stopped(2, minutes="5 minutes"))
    with in_schema(acme):
        assert sorted(User.objects.filter(email__startswith="slow").values_list("email", flat=True)) == [
            "slow0@acme.example.com",
            "slow1@acme.example.com",
        ]
        assert ImportRow.objects.filter(job_id=job_id).count() == 2


def test_a_job_redelivered_after_its_budget_is_spent_fails_at_once(acme, acme_admin, monkeypatch):
    """The hard time limit kills the worker; the broker hands the task out again (acks late)."""
    job_id = make_job(acme, acme_admin, PEOPLE)
    monkeypatch.setattr(services, "apply_chunk", lambda *args, **kwargs: 1 / 0)  # must not be reached
    with in_schema(acme):
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now() - timedelta(seconds=301)
        )

        status = tasks.run_import.delay(job_id=job_id).get()

    assert status == "failed"
    job = job_of(acme, acme_admin, job_id)
    assert (job["processed_rows"], job["error"]) == (0, stopped(0, minutes="5 minutes"))


def test_the_import_task_has_soft_and_hard_time_limits_past_the_budget(settings):
    budget = settings.IMPORT_JOB_TIME_LIMIT_SECONDS

    assert budget == 300
    assert (tasks.run_import.soft_time_limit, tasks.run_import.time_limit) == (budget + 30, budget + 60)
