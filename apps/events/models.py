"""Domain events, stored in the organization's schema in the same transaction as the change that raised
them (a transactional outbox), then handed to subscribers after commit."""

from django.conf import settings
from django.db import models


class Event(models.Model):
    name = models.CharField(max_length=64, db_index=True, help_text="e.g. 'course.completed'")
    # An event with a key that was already raised is not raised again: 'course.completed' for one enrollment
    # fires once however many requests race to complete it.
    key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict)
    # The catalog's version of this event's payload when it was raised (apps.events.catalog).
    version = models.PositiveSmallIntegerField(default=1)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # What the periodic re-dispatch looks for: small, since nearly every event is dispatched at once.
            models.Index(
                fields=["created_at"],
                name="event_undispatched",
                condition=models.Q(dispatched_at__isnull=True),
            ),
            # What the retention task looks for: dispatched events, oldest first.
            models.Index(
                fields=["created_at"],
                name="event_dispatched",
                condition=models.Q(dispatched_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class Delivery(models.Model):
    """One subscriber has handled one event: a retried dispatch skips it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=200)
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="event_delivered_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscriber}"
