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


@shared_task(bind=True, acks_late=True, max_retries=5)
def deliver_event(self, *, event_id: int, subscriber: str) -> bool:
    """One own-task subscriber (`subscriber(..., own_task=True)`) on one event, retried on its own."""
    try:
        return bus.deliver(event_id, subscriber)
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


PRUNE_BATCH = 1000


def _organization_schemas() -> list[str]:
    from django.conf import settings

    from tenants.models import Organization

    return list(
        Organization.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


@shared_task(acks_late=True)
def prune_events() -> int:
    """Celery beat runs this daily (CELERY_BEAT_SCHEDULE) in the public schema: it queues prune_events_here
    in each organization's own schema (archived ones too: the outbox is not the organization's data).
    Returns how many organizations were queued."""
    from django_tenants.utils import schema_context

    schemas = _organization_schemas()
    for schema in schemas:
        with schema_context(schema):
            prune_events_here.delay()  # queued with this schema in its headers
    return len(schemas)


@shared_task(acks_late=True)
def prune_events_here(*, days: int | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete this schema's dispatched events older than EVENTS_RETENTION_DAYS (with their deliveries), in
    batches of `batch`, each its own short transaction. Undispatched events are never pruned: they are
    still owed to a subscriber. Safe to run twice. Returns how many events were deleted."""
    from datetime import timedelta

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from .models import Delivery, Event

    days = settings.EVENTS_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                Event.objects.filter(dispatched_at__isnull=False, created_at__lt=cutoff)
                .order_by("created_at", "pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return deleted
            Delivery.objects.filter(event_id__in=ids).delete()
            _, per_model = Event.objects.filter(pk__in=ids).delete()
            deleted += per_model.get(Event._meta.label, 0)
