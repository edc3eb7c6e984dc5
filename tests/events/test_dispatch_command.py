"""`manage.py dispatch_events` hands events that were never fully dispatched (the broker was down, a
subscriber kept failing) to the subscribers that have not handled them, in every organization."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.events import bus
from apps.events.models import Delivery, Event
from tests.conftest import in_org

pytestmark = pytest.mark.django_db

NAME = "test.happened"


def stored(organization, key: str, *, minutes_ago: float, dispatched: bool = False) -> Event:
    """An event as the outbox holds it after a dispatch that never ran (no on-commit dispatch here)."""
    with in_org(organization):
        event = Event.objects.create(name=NAME, key=key, payload={"key": key})
        Event.objects.filter(pk=event.pk).update(
            created_at=timezone.now() - timedelta(minutes=minutes_ago),
            dispatched_at=timezone.now() if dispatched else None,
        )
        return event


def dispatch_events(*args) -> str:
    out = StringIO()
    call_command("dispatch_events", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def dispatched(organization, event) -> bool:
    with in_org(organization):
        return Event.objects.get(pk=event.pk).dispatched_at is not None


def test_old_undispatched_events_of_every_org_are_dispatched(acme, globex, listen):
    badges = listen(NAME)
    lost = stored(acme, "lost", minutes_ago=30)
    lost_elsewhere = stored(globex, "lost-elsewhere", minutes_ago=10)
    recent = stored(acme, "recent", minutes_ago=1)
    done = stored(acme, "done", minutes_ago=60, dispatched=True)

    output = dispatch_events()

    assert sorted(e.payload["key"] for e in badges.events) == ["lost", "lost-elsewhere"]
    assert dispatched(acme, lost)
    assert dispatched(globex, lost_elsewhere)
    assert not dispatched(acme, recent)  # its first dispatch may still be on its way
    assert "acme: 1 pending, 1 dispatched, 0 failed" in output
    assert "globex: 1 pending, 1 dispatched, 0 failed" in output
    assert output.strip().endswith("2 pending events in 2 organizations: 2 dispatched, 0 still failing.")
    with in_org(acme):
        assert not Delivery.objects.filter(event=done).exists()


def test_running_it_again_calls_no_subscriber_twice(acme, listen):
    badges = listen(NAME)
    stored(acme, "lost", minutes_ago=30)

    dispatch_events()
    output = dispatch_events()

    assert badges.attempts == 1
    assert output.strip().endswith("0 pending events in 2 organizations: 0 dispatched, 0 still failing.")


def test_only_subscribers_that_missed_the_event_are_called(acme, listen):
    badges, flaky = listen(NAME), listen(NAME, fail=1)
    event = stored(acme, "half-delivered", minutes_ago=30)
    with in_org(acme), pytest.raises(RuntimeError):
        bus.dispatch(event.pk)  # the task's first attempt: badges handled it, flaky failed
    assert (badges.attempts, flaky.attempts) == (1, 1)

    dispatch_events("--older-than", "0")

    assert (badges.attempts, flaky.attempts) == (1, 2)
    assert dispatched(acme, event)


def test_a_subscriber_still_failing_is_reported_and_the_rest_go_on(acme, listen):
    badges, broken = listen(NAME), listen(NAME, fail=10)
    first = stored(acme, "first", minutes_ago=30)
    second = stored(acme, "second", minutes_ago=20)

    with pytest.raises(CommandError, match="2 events still have a failing subscriber"):
        dispatch_events("--schema", "acme")

    assert broken.attempts == 2
    assert sorted(e.payload["key"] for e in badges.events) == ["first", "second"]
    assert not dispatched(acme, first)
    assert not dispatched(acme, second)


def test_older_than_and_schema_narrow_the_run(acme, globex, listen):
    badges = listen(NAME)
    stored(acme, "acme-recent", minutes_ago=1)
    stored(globex, "globex-recent", minutes_ago=1)

    dispatch_events("--older-than", "0", "--schema", "acme")

    assert [e.payload["key"] for e in badges.events] == ["acme-recent"]
    with pytest.raises(CommandError):
        dispatch_events("--schema", "nowhere")
    with pytest.raises(CommandError):
        dispatch_events("--older-than", "-1")
