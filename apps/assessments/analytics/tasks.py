"""Background work of item analysis: recomputing a quiz's statistics after submissions and grades.

The task takes ids, runs in the schema it was queued from (tenant-schemas-celery carries it in the task's
headers) and is safe to run twice or to retry: a set already computed after the request is skipped
(services.recompute), and each computation stores over older ones only."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RETRY_SECONDS = 15


@shared_task(bind=True, acks_late=True, max_retries=3)
def recompute_statistics(
    self, *, assessment_id: int, requested_at: str | None = None, which: str | None = None
):
    try:
        return services.recompute(assessment_id=assessment_id, requested_at=requested_at, which=which)
    except (OperationalError, InterfaceError) as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2**self.request.retries) from exc
