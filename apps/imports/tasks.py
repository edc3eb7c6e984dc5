"""Background work of imports. The task takes the job's id, runs in the schema it was queued from
(tenant-schemas-celery) and is safe to run twice: a finished job is left alone, an interrupted one resumes
after the last committed chunk.

The job's own time budget (IMPORT_JOB_TIME_LIMIT_SECONDS, checked between chunks) is backed by Celery's limits
on each run of the task: the soft limit raises inside a chunk that hangs (which is rolled back, and the job
fails with a message), the hard limit kills the worker process (the redelivered task then fails the job, its
budget spent). Celery enforces them in prefork workers, not in eager mode."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

RETRY_SECONDS = 10
SOFT_LIMIT_GRACE_SECONDS = 30
HARD_LIMIT_GRACE_SECONDS = 60


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=3,
    soft_time_limit=settings.IMPORT_JOB_TIME_LIMIT_SECONDS + SOFT_LIMIT_GRACE_SECONDS,
    time_limit=settings.IMPORT_JOB_TIME_LIMIT_SECONDS + HARD_LIMIT_GRACE_SECONDS,
)
def run_import(self, *, job_id: int) -> str | None:
    try:
        job = services.import_run(job_id=job_id)
    except (OperationalError, InterfaceError) as exc:
        if not self.request.is_eager and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2**self.request.retries) from exc
        job = services.import_fail(
            job_id=job_id,
            reason="The import stopped: the database was unavailable. Upload the file again to finish it.",
        )
    return job.status if job is not None else None
