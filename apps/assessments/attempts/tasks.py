"""Background work of attempts: Moodle's update_overdue_attempts.

Celery beat runs `process_overdue_attempts_everywhere` (CELERY_BEAT_SCHEDULE, in the public schema); it queues
`process_overdue_attempts` in each organization's schema (tenant-schemas-celery carries the schema), which
submits, makes overdue or abandons the attempts whose deadline passed (services.attempts_process_overdue).
Both are thin and safe to run twice: each attempt is locked and looked at again before it changes."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def process_overdue_attempts(*, limit: int = 500) -> dict:
    """In the current organization's schema."""
    return services.attempts_process_overdue(limit=limit)


@shared_task(acks_late=True)
def process_overdue_attempts_everywhere() -> int:
    """In the public schema: one task per active organization. Returns how many were queued."""
    from django.conf import settings
    from django_tenants.utils import schema_context

    from tenants.models import Organization

    schemas = (
        Organization.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .exclude(status=Organization.Status.ARCHIVED)
        .values_list("schema_name", flat=True)
    )
    queued = 0
    for schema in list(schemas):
        with schema_context(schema):
            process_overdue_attempts.delay()
            queued += 1
    return queued
