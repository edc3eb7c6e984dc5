import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

Handler = Callable[["Event"], None]  # noqa: F821
_SUBSCRIBERS: dict[str, dict[str, Handler]] = defaultdict(dict)


def subscriber(event_name: str):
    """Register the decorated function for `event_name` (import the module from an AppConfig.ready())."""

    def register(handler: Handler) -> Handler:
        _SUBSCRIBERS[event_name][f"{handler.__module__}.{handler.__qualname__}"] = handler
        return handler

    return register


def subscribers(event_name: str) -> dict[str, Handler]:
    return dict(_SUBSCRIBERS.get(event_name, {}))


def emit(name: str, *, key: str, payload: dict, actor=None):
    """Record event `name` unless one with `key` exists, and dispatch it after the current transaction
    commits. Returns the new event, or None when `key` was raised before."""
    from .models import Event
    from .tasks import dispatch_event

    actor_id = getattr(actor, "pk", None)
    try:
        with transaction.atomic():
            event = Event.objects.create(name=name, key=key[:200], payload=payload, actor_id=actor_id)
    except IntegrityError:
        return None
    # robust: a failing dispatch (broker down, subscriber bug in eager mode) never fails the committed request;
    # the event row stays undispatched and can be re-dispatched.
    transaction.on_commit(lambda: dispatch_event.delay(event_id=event.pk), robust=True)
    return event


def dispatch(event_id: int) -> int:
    """Hand the event to each subscriber that has not handled it yet; returns how many handled it now.

    The event row is locked for the whole dispatch, so a retried task and `dispatch_events` racing on one
    event run one after the other, and the second finds the first's deliveries. Each subscriber runs in its
    own savepoint: one that fails is logged and left undelivered (its writes rolled back), and the error is
    re-raised after the others ran, so a retry calls only what is missing. Subscribers should defer outside
    effects (emails, webhooks) with transaction.on_commit, which fires once the dispatch commits."""
    from .models import Delivery, Event

    failure = None
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            return 0
        done = set(event.deliveries.values_list("subscriber", flat=True))
        delivered = 0
        for name, handler in subscribers(event.name).items():
            if name in done:
                continue
            try:
                with transaction.atomic():
                    handler(event)
                    Delivery.objects.create(event=event, subscriber=name)
                delivered += 1
            except Exception as exc:  # a subscriber's bug must not starve the others
                logger.exception("Subscriber %s failed on event %s", name, event.pk)
                failure = failure or exc
        if failure is None and event.dispatched_at is None:
            Event.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
    if failure is not None:
        raise failure
    return delivered
