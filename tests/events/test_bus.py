"""One event mechanism: an event is stored with the change that raises it, once per key, and handed to each
subscriber once after commit; a retried dispatch skips the subscribers that already handled it."""

import pytest
from django.db import transaction

from apps.events import bus, emit
from apps.events.models import Delivery, Event
from apps.events.tasks import dispatch_event
from tests.conftest import in_org

pytestmark = pytest.mark.django_db

NAME = "test.happened"


def test_an_event_is_handed_to_each_subscriber_once_after_commit(
    acme, listen, django_capture_on_commit_callbacks
):
    badges, webhooks = listen(NAME), listen(NAME)
    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            event = emit(NAME, key="k1", payload={"n": 1})
            assert (badges.attempts, webhooks.attempts) == (0, 0)  # nothing before commit

        event.refresh_from_db()
        assert len(callbacks) == 1
        assert [e.pk for e in badges.events] == [event.pk]
        assert [e.pk for e in webhooks.events] == [event.pk]
        assert badges.events[0].payload == {"n": 1}
        assert event.dispatched_at is not None
        assert Delivery.objects.filter(event=event).count() == 2


def test_the_same_key_is_raised_once(acme, listen, django_capture_on_commit_callbacks):
    badges = listen(NAME)
    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=True):
            first = emit(NAME, key="once", payload={"n": 0})
            second = emit(NAME, key="once", payload={"n": 2})

        assert first is not None
        assert second is None
        assert Event.objects.filter(key="once").count() == 1
        assert badges.attempts == 1


def test_an_event_raised_in_a_rolled_back_transaction_never_happened(
    acme, listen, django_capture_on_commit_callbacks
):
    badges = listen(NAME)
    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            _emit_then_fail("rolled-back")

        assert not Event.objects.filter(key="rolled-back").exists()
        assert callbacks == []
        assert badges.attempts == 0


def _emit_then_fail(key: str) -> None:
    with transaction.atomic():
        emit(NAME, key=key, payload={"n": 0})
        raise RuntimeError("the change failed")


def test_dispatching_again_calls_no_subscriber_twice(acme, listen):
    badges, webhooks = listen(NAME), listen(NAME)
    with in_org(acme):
        event = Event.objects.create(name=NAME, key="twice", payload={})

        assert bus.dispatch(event.pk) == 2
        assert bus.dispatch(event.pk) == 0
        assert dispatch_event.delay(event_id=event.pk).get() == 0

        assert (badges.attempts, webhooks.attempts) == (1, 1)


def test_a_failing_subscriber_is_retried_alone(acme, listen):
    badges, flaky, webhooks = listen(NAME), listen(NAME, fail=1), listen(NAME)
    with in_org(acme):
        event = Event.objects.create(name=NAME, key="flaky", payload={})

        with pytest.raises(RuntimeError):
            bus.dispatch(event.pk)

        event.refresh_from_db()
        assert event.dispatched_at is None
        assert (badges.attempts, flaky.attempts, webhooks.attempts) == (1, 1, 1)  # the others still ran
        assert Delivery.objects.filter(event=event).count() == 2

        assert bus.dispatch(event.pk) == 1

        event.refresh_from_db()
        assert event.dispatched_at is not None
        assert (badges.attempts, flaky.attempts, webhooks.attempts) == (1, 2, 1)
        assert [len(x.events) for x in (badges, flaky, webhooks)] == [1, 1, 1]


def test_a_subscribers_writes_roll_back_with_its_failure(acme, acme_admin):
    from apps.audit.models import AuditEntry
    from apps.audit.services import audit_record

    def half_done(event):
        audit_record(actor=None, action="test.half_done", target=None, target_repr="x")
        raise RuntimeError("failed after writing")

    bus.subscriber(NAME)(half_done)
    try:
        with in_org(acme):
            event = Event.objects.create(name=NAME, key="half", payload={})
            with pytest.raises(RuntimeError):
                bus.dispatch(event.pk)

            assert not AuditEntry.objects.filter(action="test.half_done").exists()
            assert not Delivery.objects.filter(event=event).exists()
    finally:
        bus._SUBSCRIBERS[NAME].pop(f"{half_done.__module__}.{half_done.__qualname__}")


def test_subscribers_of_other_events_are_not_called(acme, listen):
    other = listen("other.event")
    with in_org(acme):
        event = Event.objects.create(name=NAME, key="not-yours", payload={})
        bus.dispatch(event.pk)

    assert other.attempts == 0


def test_events_stay_in_their_organization(acme, globex, listen):
    badges = listen(NAME)
    with in_org(acme):
        event = Event.objects.create(name=NAME, key="acme-only", payload={})
    with in_org(globex):
        assert not Event.objects.filter(key="acme-only").exists()
        assert bus.dispatch(event.pk) == 0  # globex has no such event (ids are per schema)

    assert badges.attempts == 0
