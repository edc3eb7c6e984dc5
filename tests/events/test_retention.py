"""Dispatched events are pruned after EVENTS_RETENTION_DAYS by a daily beat task that runs in each
organization's schema, in batches; events still owed to a subscriber are never pruned."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from apps.events.models import Delivery, Event
from apps.events.tasks import prune_events, prune_events_here
from tests.conftest import in_org

pytestmark = pytest.mark.django_db


def aged(organization, key: str, *, days: float, dispatched: bool = True) -> int:
    with in_org(organization):
        event = Event.objects.create(name="test.happened", key=key, payload={"n": 0})
        if dispatched:
            Delivery.objects.create(event=event, subscriber="tests.some.subscriber")
        Event.objects.filter(pk=event.pk).update(
            created_at=timezone.now() - timedelta(days=days),
            dispatched_at=timezone.now() - timedelta(days=days) if dispatched else None,
        )
        return event.pk


def keys(organization) -> set[str]:
    with in_org(organization):
        return set(Event.objects.filter(name="test.happened").values_list("key", flat=True))


def test_only_old_dispatched_events_are_pruned_in_every_org(acme, globex):
    aged(acme, "old", days=91)
    aged(acme, "old-but-owed", days=400, dispatched=False)
    aged(acme, "recent", days=89)
    aged(globex, "old-elsewhere", days=120)

    assert prune_events.apply().get() == 2  # two organizations queued, each pruned in its own schema

    assert keys(acme) == {"old-but-owed", "recent"}
    assert keys(globex) == set()
    with in_org(acme):
        assert not Delivery.objects.filter(event__key="old").exists()


@override_settings(EVENTS_RETENTION_DAYS=7)
def test_the_retention_period_is_a_setting(acme):
    aged(acme, "eight-days", days=8)
    aged(acme, "six-days", days=6)

    with in_org(acme):
        assert prune_events_here.apply().get() == 1

    assert keys(acme) == {"six-days"}


def test_pruning_goes_in_batches_and_again_finds_nothing(acme):
    for n in range(5):
        aged(acme, f"old-{n}", days=100)

    with in_org(acme):
        assert prune_events_here.apply(kwargs={"batch": 2}).get() == 5
        assert prune_events_here.apply().get() == 0


def test_beat_prunes_daily_and_keeps_90_days_by_default():
    entry = settings.CELERY_BEAT_SCHEDULE["prune-events"]

    assert entry["task"] == prune_events.name
    assert entry["schedule"] == 24 * 3600.0
    assert settings.EVENTS_RETENTION_DAYS == 90
