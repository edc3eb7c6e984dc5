"""Background work of question imports. The task takes the job's id, runs in the schema it was queued from
(tenant-schemas-celery, as apps/imports/tasks.py) and is safe to run twice: a completed job is left alone,
an unfinished one runs again from the start (a failed or interrupted run kept nothing).

The soft time limit stops a run that hangs (its transaction is rolled back and the job fails with a
message); the hard limit kills the worker, and the redelivered task (acks_late) runs the job again."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext

from . import services

RETRY_SECONDS = 10
SOFT_TIME_LIMIT = 600
HARD_TIME_LIMIT = 660


@shared_task(
    bind=True, acks_late=True, max_retries=3, soft_time_limit=SOFT_TIME_LIMIT, time_limit=HARD_TIME_LIMIT
)
def run_transfer(self, *, job_id: int, apply_settings: bool = False) -> str | None:
    try:
        job = services.transfer_run(job_id=job_id, apply_settings=apply_settings)
    except (OperationalError, InterfaceError) as exc:
        if not self.request.is_eager and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2**self.request.retries) from exc
        job = services.transfer_fail(
            job_id=job_id,
            reason=gettext("The import stopped: the database was unavailable. Nothing was imported."),
        )
    return job.status if job is not None else None
