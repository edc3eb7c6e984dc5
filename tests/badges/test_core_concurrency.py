"""Two deliveries of the events that earn a badge, at the same moment on two database connections, award it
once: the second INSERT waits on the partial unique index `badge_award_once` until the first commits, then
finds the award and raises nothing (one award, one `badge.awarded`).

As in tests/courses/test_services_progress.py, the objects are built and committed on separate connections
(threads, outside the test's own transaction), raced on two more, and deleted again at the end."""

import threading
import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.courses.test_services_progress import on_own_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def race(acme):
    marker = f"race-{uuid.uuid4().hex[:8]}"

    def build():
        from django.contrib.auth import get_user_model

        from apps.audit.models import AuditEntry
        from apps.badges.baker_recipes import make_badge
        from apps.badges.models import IssuerProfile, SigningKey
        from apps.courses.models import Course, Enrollment
        from apps.events.models import Event

        # Everything audited or raised from here on is this fixture's: removed after (no trace for later tests).
        floors = {
            "audit": AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            "event": Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        }
        student = get_user_model().objects.get(email="student@acme.example.com")
        owner = get_user_model().objects.get(email="teacher@acme.example.com")
        course = Course.objects.create(title=marker, slug=marker, status="published", owner=owner)
        Enrollment.objects.create(course=course, user=student, completed_at=timezone.now())
        badge = make_badge(name=marker, criteria=[{"kind": "course", "course": course}])
        return {
            "course": course.pk,
            "badge": badge.pk,
            "student": student.pk,
            # what the award's subscribers may make (the issuer and its key, on the first award): removed too
            "issuers": list(IssuerProfile.objects.values_list("pk", flat=True)),
            "keys": list(SigningKey.objects.values_list("pk", flat=True)),
            "floors": floors,
        }

    def cleanup(ids):
        from apps.audit.models import AuditEntry
        from apps.badges.models import Badge, BadgeAward, IssuerProfile, SigningKey
        from apps.courses.models import Course
        from apps.events.models import Event

        award_ids = list(BadgeAward.objects.filter(badge_id=ids["badge"]).values_list("pk", flat=True))
        Event.objects.filter(key__in=[f"badge.awarded:{pk}" for pk in award_ids]).delete()
        BadgeAward.objects.filter(badge_id=ids["badge"]).delete()
        Badge.objects.filter(pk=ids["badge"]).delete()
        Course.objects.filter(pk=ids["course"]).delete()
        SigningKey.objects.exclude(pk__in=ids["keys"]).delete()
        IssuerProfile.objects.exclude(pk__in=ids["issuers"]).delete()
        AuditEntry.objects.filter(pk__gt=ids["floors"]["audit"]).delete()
        Event.objects.filter(pk__gt=ids["floors"]["event"]).delete()

    ids = on_own_connection(acme.schema_name, build)
    try:
        yield ids
    finally:
        on_own_connection(acme.schema_name, cleanup, ids)


def test_two_concurrent_deliveries_award_the_badge_once(acme, race):
    from apps.badges.core import services

    barrier = threading.Barrier(2)
    results: list = []
    errors: list = []

    def delivery():
        try:
            with schema_context(acme.schema_name), transaction.atomic():  # as the event bus runs a subscriber
                barrier.wait(10)
                results.append(
                    services.on_course_completed(course_id=race["course"], user_id=race["student"])
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=delivery) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    def state(ids):
        from apps.badges.models import BadgeAward
        from apps.events.models import Event

        awards = list(BadgeAward.objects.filter(badge_id=ids["badge"]).values_list("pk", flat=True))
        events = Event.objects.filter(name="badge.awarded", key__in=[f"badge.awarded:{pk}" for pk in awards])
        return {"awards": len(awards), "events": events.count()}

    assert errors == []
    assert sorted(len(made) for made in results) == [0, 1]
    assert on_own_connection(acme.schema_name, state, race) == {"awards": 1, "events": 1}
