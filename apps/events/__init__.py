"""One event mechanism for the whole product.

A service raises an event inside its transaction::

    from apps.events import emit
    emit("course.completed", key=f"course.completed:{enrollment.pk}", payload={...}, actor=user)

The event is written to the organization's schema with the change; after commit a Celery task (running in
the same schema) hands it to every subscriber. Later features subscribe without touching the raiser::

    from apps.events import subscriber

    @subscriber("course.completed")
    def award_badges(event): ...

A subscriber runs in its own transaction and is recorded as delivered; a retried dispatch skips subscribers
that already handled the event, so each subscriber sees each event once.
"""

from .bus import emit, subscriber, subscribers

__all__ = ["emit", "subscriber", "subscribers"]
