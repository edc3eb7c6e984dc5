"""The outbox's finer rules: who raised an event, long keys, the registry, the first failure reported, a
dispatch that fails after commit never failing the change that raised it."""

import logging

import pytest

from apps.events import bus, emit, emit_many
from apps.events.models import Event
from tests.conftest import in_org

pytestmark = pytest.mark.django_db

NAME = "test.ruled"


def test_an_event_remembers_who_raised_it(acme, acme_admin):
    with in_org(acme):
        by_someone = emit(NAME, key="by-admin", payload={"n": 0}, actor=acme_admin)
        by_the_system = emit(NAME, key="by-nobody", payload={"n": 0})

        assert Event.objects.get(pk=by_someone.pk).actor_id == acme_admin.pk
        assert Event.objects.get(pk=by_the_system.pk).actor_id is None


def test_a_long_key_is_kept_to_200_characters_and_still_raised_once(acme):
    key = "enrollment:" + "x" * 250
    with in_org(acme):
        first = emit(NAME, key=key, payload={"n": 1})
        second = emit(NAME, key=key, payload={"n": 2})

        assert Event.objects.get(pk=first.pk).key == key[:200]
        assert second is None
        assert Event.objects.filter(name=NAME).count() == 1


def test_a_duplicate_key_leaves_the_surrounding_transaction_usable(acme):
    with in_org(acme):
        emit(NAME, key="dup", payload={"n": 0})
        assert emit(NAME, key="dup", payload={"n": 0}) is None

        again = emit(NAME, key="after-dup", payload={"n": 3})

        assert Event.objects.get(pk=again.pk).payload == {"n": 3}


def test_the_registry_hands_out_copies_and_knows_no_unknown_event(listen):
    listen(NAME)

    handlers = bus.subscribers(NAME)
    handlers.clear()

    assert len(bus.subscribers(NAME)) == 1
    assert bus.subscribers("never.registered") == {}


def test_registering_a_subscriber_keeps_the_function_usable():
    def on_ruled(event):
        return f"handled {event}"

    try:
        registered = bus.subscriber(NAME)(on_ruled)

        assert registered is on_ruled
        assert bus.subscribers(NAME)[f"{__name__}.{on_ruled.__qualname__}"] is on_ruled
    finally:
        bus._SUBSCRIBERS[NAME].pop(f"{__name__}.{on_ruled.__qualname__}")


def test_dispatching_an_event_that_does_not_exist_hands_nothing_out(acme, listen):
    badges = listen(NAME)
    with in_org(acme):
        assert bus.dispatch(987_654_321) == 0

    assert badges.attempts == 0


def test_dispatching_again_keeps_the_first_dispatch_time(acme, listen):
    listen(NAME)
    with in_org(acme):
        event = Event.objects.create(name=NAME, key="timed", payload={})
        bus.dispatch(event.pk)
        first = Event.objects.get(pk=event.pk).dispatched_at

        listen(NAME)  # a subscriber added later gets the event on the next dispatch
        assert bus.dispatch(event.pk) == 1

        assert Event.objects.get(pk=event.pk).dispatched_at == first


def test_the_first_failure_is_reported_and_each_failure_logged(acme, listen, caplog):
    listen(NAME, fail=1)
    listen(NAME, fail=1)
    with in_org(acme):
        event = Event.objects.create(name=NAME, key="two-down", payload={})

        with caplog.at_level(logging.ERROR, logger="apps.events.bus"), pytest.raises(RuntimeError) as raised:
            bus.dispatch(event.pk)

    assert str(raised.value) == "listener-0 is down"
    failures = [r.getMessage() for r in caplog.records if r.name == "apps.events.bus"]
    assert len(failures) == 2
    assert failures[0].startswith("Subscriber tests.events.conftest.test_listener_0 failed on event ")
    assert failures[0].endswith(f" {event.pk}")


def test_a_dispatch_failing_after_commit_never_fails_the_change(
    acme, listen, django_capture_on_commit_callbacks
):
    flaky = listen(NAME, fail=1)
    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            event = emit(NAME, key="after-commit", payload={"n": 0})

        assert len(callbacks) == 1
        assert flaky.attempts == 1
        assert Event.objects.get(pk=event.pk).dispatched_at is None  # left for the re-dispatch


def test_an_events_key_and_payload_must_be_named(acme):
    with in_org(acme), pytest.raises(TypeError):
        emit(NAME, "positional-key", {})  # keyword-only: a swapped key and payload cannot slip through


def test_many_events_are_raised_in_batches_each_key_once(acme, monkeypatch):
    monkeypatch.setattr(bus, "INSERT_BATCH", 2)
    items = [(f"many-{n}", {"n": n}) for n in range(5)]
    with in_org(acme):
        first = emit_many(NAME, [*items, ("many-0", {"n": 99})])  # a key twice in one call: raised once
        again = emit_many(NAME, items)

        assert sorted(e.payload["n"] for e in first) == [0, 1, 2, 3, 4]
        assert again == []
        assert Event.objects.filter(key__startswith="many-").count() == 5
