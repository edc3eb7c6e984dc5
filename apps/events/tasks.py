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


STALE_MINUTES = 5


@shared_task(acks_late=True)
def redispatch_stale_events(*, older_than_minutes: float = STALE_MINUTES, limit: int = 500) -> int:
    """Celery beat runs this (CELERY_BEAT_SCHEDULE) in the public schema: it queues a dispatch, in each
    organization's own schema, of the events whose dispatch has not completed for a few minutes (the broker
    was down at commit, a worker died, a subscriber kept failing). Each organization is one cheap indexed
    query; the work itself spreads over the workers. Returns how many dispatches were queued."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from tenants.models import Organization

    from .models import Event

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    schemas = (
        Organization.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .exclude(status=Organization.Status.ARCHIVED)
        .values_list("schema_name", flat=True)
    )
    queued = 0
    for schema in list(schemas):
        with schema_context(schema):
            pending = list(
                Event.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
                .order_by("created_at", "pk")
                .values_list("pk", flat=True)[:limit]
            )
            for event_id in pending:
                dispatch_event.delay(event_id=event_id)  # queued with this schema in its headers
            queued += len(pending)
    return queued
