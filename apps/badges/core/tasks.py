"""Background work of the badges core: awarding an activated badge to the learners who already meet it.

The task takes an id, runs in the schema it was queued from (tenant-schemas-celery carries it in the task's
headers) and is safe to run twice or to retry: the awards are idempotent (services.badge_backfill)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RETRY_SECONDS = 15


@shared_task(bind=True, acks_late=True, max_retries=3)
def badge_backfill(self, *, badge_id: int) -> int:
    try:
        return services.badge_backfill(badge_id=badge_id)
    except (OperationalError, InterfaceError) as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2**self.request.retries) from exc
