"""Background work of certificate issuing: rendering one certificate's PDF and running bulk jobs. Thin tasks
taking ids, in the schema they were queued from (tenant-schemas-celery), safe to run twice (see
services.certificate_render and services.bulk_issue_run)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RETRY_SECONDS = 5


@shared_task(bind=True, acks_late=True, max_retries=3)
def render_certificate(self, *, certificate_id: int, revision: int) -> str:
    try:
        return services.certificate_render(certificate_id=certificate_id, revision=revision)
    except Exception as exc:
        if not self.request.is_eager and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2**self.request.retries) from exc
        services.certificate_render_failed(certificate_id=certificate_id, revision=revision)
        raise


@shared_task(bind=True, acks_late=True, max_retries=3)
def run_bulk_job(self, *, job_id: int) -> str | None:
    try:
        job = services.bulk_issue_run(job_id=job_id)
    except (OperationalError, InterfaceError) as exc:
        if not self.request.is_eager and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2**self.request.retries) from exc
        services.bulk_job_fail(job_id=job_id, reason="The job stopped: the database was unavailable.")
        return None
    return job.status if job is not None else None
