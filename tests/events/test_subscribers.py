"""Subscribing by name or by pattern (`*` for webhooks), and subscribers that run in a task of their own:
each subscriber sees each event exactly once, and a slow or failing one holds nobody else."""

import pytest

from apps.events import bus, emit
from apps.events.models import Delivery, Event
from apps.events.tasks import deliver_event, dispatch_event
from tests.conftest import in_org

pytestmark = pytest.mark.django_db

OWN_TASK = deliver_event.name
DISPATCH = dispatch_event.name


def test_a_wildcard_subscriber_sees_every_event_exactly_once(
    acme, listen, django_capture_on_commit_callbacks
):
    webhooks = listen("*")
    also = listen("test.*")
    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=True):
            first = emit("test.happened", key="w1", payload={"n": 1})
            second = emit("test.ruled", key="w2", payload={"n": 2})
            third = emit("other.event", key="w3", payload={})

        assert [e.pk for e in webhooks.events] == [first.pk, second.pk, third.pk]
        assert [e.pk for e in also.events] == [first.pk, second.pk]

        for event in (first, second, third):  # dispatching again (a retry, the periodic re-dispatch)
            assert bus.dispatch(event.pk) == 0
        dispatch_event.delay(event_id=first.pk)

        assert webhooks.attempts == 3
        assert Delivery.objects.filter(event=first).count() == 2


def test_a_subscriber_of_a_name_and_of_a_pattern_that_both_match_is_called_once(acme):
    seen = []

    def on_anything(event):
        seen.append(event.pk)

    bus.subscriber("test.happened")(on_anything)
    bus.subscriber("*")(on_anything)
    key = bus.subscriber_key(on_anything)
    try:
        with in_org(acme):
            event = Event.objects.create(name="test.happened", key="both", payload={"n": 0})
            assert bus.dispatch(event.pk) == 1
            assert bus.dispatch(event.pk) == 0
    finally:
        bus._SUBSCRIBERS["test.happened"].pop(key)
        bus._SUBSCRIBERS["*"].pop(key)

    assert seen == [event.pk]


def test_an_own_task_subscriber_runs_in_its_own_task(acme, listen, django_capture_on_commit_callbacks):
    inline = listen("test.happened")
    webhooks = listen("*", own_task=True)
    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=True):
            event = emit("test.happened", key="own", payload={"n": 1})

        assert inline.tasks == [DISPATCH]
        assert webhooks.tasks == [OWN_TASK]
        assert [e.pk for e in webhooks.events] == [event.pk]
        assert Event.objects.get(pk=event.pk).dispatched_at is not None
        assert set(Delivery.objects.filter(event=event).values_list("subscriber", flat=True)) == {
            "tests.events.conftest.test_listener_0",
            "tests.events.conftest.test_listener_1",
        }


def test_a_failing_own_task_subscriber_blocks_no_one_and_is_retried_alone(
    acme, listen, django_capture_on_commit_callbacks
):
    badges = listen("test.happened")
    broken = listen("test.happened", own_task=True, fail=1)
    webhooks = listen("*", own_task=True)
    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=True):
            event = emit("test.happened", key="own-fails", payload={"n": 1})

        assert (badges.attempts, broken.attempts, webhooks.attempts) == (1, 1, 1)
        assert (len(badges.events), len(broken.events), len(webhooks.events)) == (1, 0, 1)
        assert Event.objects.get(pk=event.pk).dispatched_at is None  # still owed to `broken`

        with django_capture_on_commit_callbacks(execute=True):
            assert bus.dispatch(event.pk) == 0  # the re-dispatch: only the missing delivery is queued

        assert (badges.attempts, broken.attempts, webhooks.attempts) == (1, 2, 1)
        assert len(broken.events) == 1
        assert Event.objects.get(pk=event.pk).dispatched_at is not None


def test_delivering_an_own_task_event_twice_runs_the_subscriber_once(acme, listen):
    webhooks = listen("*", own_task=True)
    key = "tests.events.conftest.test_listener_0"
    with in_org(acme):
        event = Event.objects.create(name="test.happened", key="twice-own", payload={"n": 0})

        assert deliver_event.delay(event_id=event.pk, subscriber=key).get() is True
        assert deliver_event.delay(event_id=event.pk, subscriber=key).get() is False
        assert bus.deliver(event.pk, "no.such.subscriber") is False

        assert webhooks.attempts == 1
        assert Event.objects.get(pk=event.pk).dispatched_at is not None


def test_an_event_nobody_listens_to_is_stored_as_dispatched_and_queues_nothing(
    acme, django_capture_on_commit_callbacks
):
    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            event = emit("other.event", key="unheard", payload={})

        assert callbacks == []
        assert Event.objects.get(pk=event.pk).dispatched_at is not None
