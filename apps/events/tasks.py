"""Dispatch of events to subscribers, in the schema the event was raised in (tenant-schemas-celery carries
the schema in the task's headers). Safe to run twice: delivered subscribers are skipped."""

from celery import shared_task

from . import bus

RETRY_SECONDS = 30


@shared_task(bind=True, acks_late=True, max_retries=5)
def dispatch_event(self, *, event_id: int) -> int:
    try:
        return bus.dispatch(event_id)
    except Exception as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2**self.request.retries) from exc
