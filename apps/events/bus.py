import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase

from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from . import catalog

logger = logging.getLogger(__name__)

Handler = Callable[["Event"], None]  # noqa: F821
# pattern (an event name, or an fnmatch pattern such as "course.*" or "*") -> subscriber key -> handler
_SUBSCRIBERS: dict[str, dict[str, Handler]] = defaultdict(dict)
# Subscribers that run in a task of their own (deliver_event), one per event, instead of inside the dispatch.
_OWN_TASK: set[str] = set()


def subscriber_key(handler: Handler) -> str:
    """What a Delivery row names: the handler's dotted path (keep it stable; renaming re-delivers)."""
    return f"{handler.__module__}.{handler.__qualname__}"


def subscriber(pattern: str, *, own_task: bool = False):
    """Register the decorated function for the events `pattern` selects: one name (`course.completed`) or an
    fnmatch pattern (`course.*`; `*` for every event, as webhooks will). Import the module from an
    AppConfig.ready(); the `events.E001` system check refuses a pattern that selects no declared event (and
    registering one after start-up raises at once).

    `own_task=True` runs the subscriber in its own Celery task for each event (deliver_event), so a slow one
    (email, webhooks) does not hold the others and its failures are retried on their own. Either way each
    subscriber handles each event once (a Delivery row per subscriber and event)."""

    def register(handler: Handler) -> Handler:
        if django_apps.ready:
            check_pattern(pattern)
        key = subscriber_key(handler)
        _SUBSCRIBERS[pattern][key] = handler
        if own_task:
            _OWN_TASK.add(key)
        else:
            _OWN_TASK.discard(key)
        return handler

    return register


def check_pattern(pattern: str) -> None:
    if not catalog.matching(pattern):
        kind = "pattern" if catalog.is_pattern(pattern) else "event"
        raise catalog.UndeclaredEvent(f"Subscriber to {kind} {pattern!r}, which selects no declared event.")


def subscriptions() -> dict[str, list[str]]:
    """Every registered pattern with its subscriber keys (for the system check and the catalog page)."""
    return {pattern: sorted(handlers) for pattern, handlers in _SUBSCRIBERS.items() if handlers}


def subscribers(event_name: str) -> dict[str, Handler]:
    """The subscribers of `event_name` (by name or by pattern), each once, by key."""
    found: dict[str, Handler] = {}
    for pattern, handlers in _SUBSCRIBERS.items():
        if handlers and (pattern == event_name or fnmatchcase(event_name, pattern)):
            for key, handler in handlers.items():
                found.setdefault(key, handler)
    return dict(sorted(found.items()))


def runs_in_own_task(key: str) -> bool:
    return key in _OWN_TASK


INSERT_BATCH = 1000


def emit(name: str, *, key: str, payload: dict, actor=None):
    """Record event `name` unless one with `key` exists, and dispatch it after the current transaction
    commits. Returns the new event, or None when `key` was raised before.

    `name` must be declared in the catalog and `payload` must match its declaration (no field missing, none
    extra, each of its type), else catalog.EventError is raised: a programming error, in production too."""
    events = emit_many(name, [(key, payload)], actor=actor)
    return events[0] if events else None


def emit_many(name: str, items: Iterable[tuple[str, dict]], *, actor=None) -> list:
    """`emit` for many events of one type (a class enrolled, an import's chunk) in one INSERT: `items` are
    (key, payload) pairs. Returns the events that are new (keys raised before are skipped)."""
    from .models import Event

    event_type = catalog.get(name)
    rows: dict[str, dict] = {}
    for key, payload in items:
        event_type.check(payload)
        rows.setdefault(key[:200], payload)
    if not rows:
        return []
    now = timezone.now()
    # Nobody listens (yet): the event is kept for the record, already dispatched, and no task is queued.
    dispatched_at = None if subscribers(name) else now
    actor_id = getattr(actor, "pk", None)
    table = connection.ops.quote_name(Event._meta.db_table)
    pending = list(rows.items())
    created: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        # In batches (PostgreSQL takes at most 65,535 parameters per statement). ON CONFLICT DO NOTHING: a
        # key raised before (by a concurrent request too) is skipped without an error, so the surrounding
        # transaction stays usable. Only the quoted table name and the placeholders are formatted in.
        for start in range(0, len(pending), INSERT_BATCH):
            batch = pending[start : start + INSERT_BATCH]
            values = ", ".join(["(%s, %s, %s::jsonb, %s, %s, %s, %s)"] * len(batch))
            params = []
            for key, payload in batch:
                params += [name, key, json.dumps(payload), actor_id, now, dispatched_at, event_type.version]
            sql = (
                f"INSERT INTO {table} (name, key, payload, actor_id, created_at, dispatched_at, version) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (key) DO NOTHING RETURNING id, key"
            )
            cursor.execute(sql, params)
            created += cursor.fetchall()
    events = [
        Event(
            pk=pk,
            name=name,
            key=key,
            payload=rows[key],
            actor_id=actor_id,
            created_at=now,
            dispatched_at=dispatched_at,
            version=event_type.version,
        )
        for pk, key in created
    ]
    if events and dispatched_at is None:
        schema = connection.schema_name
        ids = [event.pk for event in events]
        # robust: a failing dispatch (broker down, subscriber bug in eager mode) never fails the committed
        # request; the event row stays undispatched and is re-dispatched later.
        transaction.on_commit(lambda: _queue_dispatch(schema, ids), robust=True)
    return events


def _queue_dispatch(schema: str, event_ids: list[int]) -> None:
    from django_tenants.utils import schema_context

    from .tasks import dispatch_event

    # Queued from the schema the events were raised in (tenant-schemas-celery carries it to the worker),
    # whatever schema the connection is in when the outer transaction commits (provisioning, for one).
    with schema_context(schema):
        for event_id in event_ids:
            try:
                dispatch_event.delay(event_id=event_id)
            except Exception:
                logger.exception(
                    "Dispatch of event %s in %s failed; it will be re-dispatched", event_id, schema
                )


def _queue_deliveries(schema: str, event_id: int, keys: list[str]) -> None:
    from django_tenants.utils import schema_context

    from .tasks import deliver_event

    with schema_context(schema):
        for key in keys:
            try:
                deliver_event.delay(event_id=event_id, subscriber=key)
            except Exception:  # eager mode: the subscriber's own failure, retried by a later dispatch
                logger.exception("Subscriber %s failed on event %s", key, event_id)


def dispatch(event_id: int) -> int:
    """Hand the event to each subscriber that has not handled it yet; returns how many handled it now.

    The event row is locked for the whole dispatch, so a retried task and `dispatch_events` racing on one
    event run one after the other, and the second finds the first's deliveries. Each subscriber runs in its
    own savepoint: one that fails is logged and left undelivered (its writes rolled back), and the error is
    re-raised after the others ran, so a retry calls only what is missing. Subscribers registered with
    `own_task=True` are queued (deliver_event) after the dispatch commits instead. The event counts as
    dispatched once every subscriber has a delivery. Subscribers should defer outside effects (emails,
    webhooks) with transaction.on_commit, which fires once their transaction commits."""
    from .models import Delivery, Event

    failure = None
    queued: list[str] = []
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            return 0
        done = set(event.deliveries.values_list("subscriber", flat=True))
        delivered = 0
        for name, handler in subscribers(event.name).items():
            if name in done:
                continue
            if runs_in_own_task(name):
                queued.append(name)
                continue
            try:
                with transaction.atomic():
                    handler(event)
                    Delivery.objects.create(event=event, subscriber=name)
                delivered += 1
            except Exception as exc:  # a subscriber's bug must not starve the others
                logger.exception("Subscriber %s failed on event %s", name, event.pk)
                failure = failure or exc
        if failure is None and not queued and event.dispatched_at is None:
            Event.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
        if queued:
            schema = connection.schema_name
            transaction.on_commit(lambda: _queue_deliveries(schema, event.pk, queued), robust=True)
    if failure is not None:
        raise failure
    return delivered


def deliver(event_id: int, subscriber: str) -> bool:
    """Run one own-task subscriber on one event (the body of deliver_event). Returns whether it ran now.

    The Delivery row is inserted before the handler runs, in the same transaction: a second delivery of the
    same pair (a retry, a re-dispatch) waits on it and then skips, so the handler runs once. A failure rolls
    back the handler's writes with its Delivery and is raised for the task to retry."""
    from .models import Delivery, Event

    handler = subscribers_by_key().get(subscriber)
    if handler is None:
        logger.warning("No subscriber %s (any more): event %s not delivered to it", subscriber, event_id)
        return False
    with transaction.atomic():
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            return False
        try:
            with transaction.atomic():
                Delivery.objects.create(event=event, subscriber=subscriber)
        except IntegrityError:
            return False
        handler(event)
    _mark_dispatched_if_complete(event_id)
    return True


def subscribers_by_key() -> dict[str, Handler]:
    return {key: handler for handlers in _SUBSCRIBERS.values() for key, handler in handlers.items()}


def _mark_dispatched_if_complete(event_id: int) -> None:
    from .models import Event

    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id, dispatched_at__isnull=True).first()
        if event is None:
            return
        done = set(event.deliveries.values_list("subscriber", flat=True))
        if set(subscribers(event.name)) <= done:
            Event.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
