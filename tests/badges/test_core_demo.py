"""The demo's badges (apps/demo/badges.py): made through the services in acme, the classmates who already
met them awarded by the activation backfill, a manual award with a note and a revoked one; Sam Student's
completion of Algebra Foundations brings its badge automatically."""

import pytest
from django.utils import timezone

from apps.demo.badges import seed_badges
from tests.conftest import in_org

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def seeded(demo_seed, acme):
    with in_org(acme):
        lines = seed_badges("acme")
    return lines


def test_the_demo_badges_and_awards(seeded, acme):
    from apps.badges.models import Badge, BadgeAward

    with in_org(acme):
        names = set(Badge.objects.filter(status="active").values_list("name", flat=True))
        assert {
            "Algebra Foundations",
            "Algebra ace",
            "Three-day streak",
            "Curious learner",
            "Helpful classmate",
        } <= names
        helpful = BadgeAward.objects.filter(badge__name="Helpful classmate").select_related("user")
        assert {(a.user.email.split("@")[0], a.revoked_at is not None) for a in helpful} == {
            ("ava", False),
            ("ben", True),
        }
        assert helpful.get(user__email__startswith="ben").revocation_reason
        assert seed_badges("acme") == []  # idempotent


def test_sam_gets_the_algebra_badge_when_completing_the_course(seeded, acme):
    from apps.badges.models import BadgeAward
    from apps.courses.models import Enrollment
    from apps.events import bus

    with in_org(acme):
        enrollment = Enrollment.objects.get(
            user__email="student@acme.example.com", course__slug="algebra-foundations"
        )
        assert not BadgeAward.objects.filter(user=enrollment.user, badge__name="Algebra Foundations").exists()
        enrollment.completed_at = timezone.now()
        enrollment.save(update_fields=["completed_at"])
        event = bus.emit(
            "course.completed",
            key=f"course.completed:{enrollment.pk}:demo-test",
            payload={
                "enrollment_id": enrollment.pk,
                "course_id": enrollment.course_id,
                "user_id": enrollment.user_id,
                "completed_at": enrollment.completed_at.isoformat(),
            },
        )
        bus.dispatch(event.pk)
        earned = set(
            BadgeAward.objects.filter(user=enrollment.user, revoked_at__isnull=True).values_list(
                "badge__name", flat=True
            )
        )
        assert "Algebra Foundations" in earned
        assert "Curious learner" in earned  # Study Skills That Stick was done already
