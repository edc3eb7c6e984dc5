"""Background work of imports. The task takes the job's id, runs in the schema it was queued from
(tenant-schemas-celery) and is safe to run twice: a finished job is left alone, an interrupted one resumes
after the last committed chunk."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RETRY_SECONDS = 10


@shared_task(bind=True, acks_late=True, max_retries=3)
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
