"""Hand undispatched events to their subscribers again: what a dispatch lost when the broker was down, the
worker died, or a subscriber failed more often than the task retries.

    python manage.py dispatch_events                    # every organization, events older than 5 minutes
    python manage.py dispatch_events --older-than 0 --schema acme

An event is stored with the change that raised it and dispatched after commit; until every subscriber has
handled it its `dispatched_at` stays empty. This command dispatches such events in-process (no broker
needed), oldest first, in each organization's schema. Subscribers that already handled an event are skipped,
so running it twice calls no subscriber twice; a dispatch racing another on one event waits for it (the
event row is locked). `--older-than` leaves alone events whose first dispatch is probably still queued.
Celery beat does the same through the broker every 5 minutes (tasks.redispatch_stale_events). Exits 1 (CommandError) if an event still
has a failing subscriber."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

DEFAULT_MINUTES = 5


class Command(BaseCommand):
    help = "Re-dispatch events whose dispatch has not completed (dispatched_at empty) for some minutes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=DEFAULT_MINUTES,
            metavar="MINUTES",
            help=f"only events raised at least this many minutes ago ({DEFAULT_MINUTES})",
        )
        parser.add_argument(
            "--schema", action="append", default=[], help="only this organization's schema (repeatable)"
        )
        parser.add_argument(
            "--limit", type=int, default=1000, help="at most this many events per schema (1000)"
        )

    def handle(self, *args, **options):
        from tenants.models import Organization

        if options["older_than"] < 0:
            raise CommandError("--older-than must be 0 or more minutes.")
        cutoff = timezone.now() - timedelta(minutes=options["older_than"])
        connection.set_schema_to_public()
        schemas = list(
            Organization.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        if options["schema"]:
            unknown = sorted(set(options["schema"]) - set(schemas))
            if unknown:
                raise CommandError(f"No organization with schema {', '.join(unknown)}.")
            schemas = [s for s in schemas if s in options["schema"]]
        totals = {"events": 0, "dispatched": 0, "failed": 0}
        for schema in schemas:
            if not schema_exists(schema):
                continue
            with schema_context(schema):
                counts = self.dispatch_pending(cutoff, options["limit"])
            for key, value in counts.items():
                totals[key] += value
            if counts["events"]:
                self.stdout.write(
                    f"{schema}: {counts['events']} pending, {counts['dispatched']} dispatched, "
                    f"{counts['failed']} failed"
                )
        connection.set_schema_to_public()
        self.stdout.write(
            f"{totals['events']} pending events in {len(schemas)} organizations: "
            f"{totals['dispatched']} dispatched, {totals['failed']} still failing."
        )
        if totals["failed"]:
            raise CommandError(f"{totals['failed']} events still have a failing subscriber (see above).")

    def dispatch_pending(self, cutoff, limit: int) -> dict[str, int]:
        from apps.events import bus
        from apps.events.models import Event

        pending = list(
            Event.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        dispatched = failed = 0
        for event_id in pending:
            try:
                bus.dispatch(event_id)
                dispatched += 1
            except Exception as exc:  # one event's failing subscriber must not hold back the others
                failed += 1
                self.stderr.write(f"{connection.schema_name}: event {event_id} failed: {exc!r}")
        return {"events": len(pending), "dispatched": dispatched, "failed": failed}
