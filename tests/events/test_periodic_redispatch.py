"""The beat task that re-queues stale events: each organization's own events, dispatched in its own schema
(the task is queued there, so tenant-schemas-celery runs it there), fresh ones left to their first dispatch."""

import pytest
from django.conf import settings

from apps.events.tasks import redispatch_stale_events

from .test_dispatch_command import NAME, dispatched, stored

pytestmark = pytest.mark.django_db


def test_stale_events_of_every_org_are_redispatched_in_their_schema(acme, globex, listen):
    seen = listen(NAME)
    lost = stored(acme, "lost", minutes_ago=30)
    lost_elsewhere = stored(globex, "lost-elsewhere", minutes_ago=10)
    recent = stored(acme, "recent", minutes_ago=1)

    queued = redispatch_stale_events.apply().get()

    assert queued == 2
    assert sorted(e.payload["key"] for e in seen.events) == ["lost", "lost-elsewhere"]
    assert dispatched(acme, lost)
    assert dispatched(globex, lost_elsewhere)
    assert not dispatched(acme, recent)


def test_running_it_again_calls_no_subscriber_twice(acme, listen):
    seen = listen(NAME)
    stored(acme, "lost", minutes_ago=30)

    redispatch_stale_events.apply()
    again = redispatch_stale_events.apply().get()

    assert again == 0
    assert [e.payload["key"] for e in seen.events] == ["lost"]


def test_beat_runs_it_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["redispatch-stale-events"]
    assert entry["task"] == redispatch_stale_events.name
    assert entry["schedule"] == 300.0


def test_an_archived_org_is_skipped(acme, listen):
    from tenants.models import Organization

    seen = listen(NAME)
    stored(acme, "lost", minutes_ago=30)
    Organization.objects.filter(pk=acme.pk).update(status=Organization.Status.ARCHIVED)

    assert redispatch_stale_events.apply().get() == 0
    assert seen.events == []
