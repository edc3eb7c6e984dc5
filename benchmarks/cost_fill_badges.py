"""The badges' part of the cost filler (benchmarks/cost_fill.py calls `fill_badges` and merges
`badge_targets`): the base badge `Cost badge` (active, of the organization), awarded to the base student
and, on each fill, to the n new students with their progress; and n more active badges, each awarded to the
base student (so the badge list and the student's own list grow with n)."""

from django.utils import timezone

BADGE = "Cost badge"


def _base(admin, base) -> dict:
    from apps.badges.baker_recipes import make_award, make_badge
    from apps.badges.models import Badge, BadgeAward

    badge = Badge.objects.filter(name=BADGE).first()
    if badge is None:
        badge = make_badge(
            name=BADGE, created_by=admin, criteria=[{"kind": "course", "course": base["course"]}]
        )
        make_award(badge=badge, user=base["student"])
    award = BadgeAward.objects.filter(badge=badge, user=base["student"]).order_by("pk").first()
    return {"badge": badge, "award": award}


def fill_badges(n: int, label: str, *, admin, base, students) -> None:
    from apps.badges.baker_recipes import make_badge
    from apps.badges.models import BadgeAward, BadgeCriterion, BadgeProgress
    from apps.badges.openbadges.identity import hashed_identity, new_salt

    found = _base(admin, base)
    now = timezone.now()
    badges = [
        make_badge(name=f"Badge {label} {i:03d}", created_by=admin, criteria=[{"kind": "manual"}])
        for i in range(n)
    ]
    BadgeCriterion.objects.bulk_create(
        BadgeCriterion(badge=b, kind=BadgeCriterion.Kind.STREAK, count=3, position=1) for b in badges
    )

    def award(badge, user):
        salt = new_salt()
        email = user.email.strip().lower()
        return BadgeAward(
            badge=badge,
            user=user,
            recipient_email=email,
            salt=salt,
            identity_hash=hashed_identity(email, salt),
            issued_at=now,
            source=BadgeAward.Source.AUTOMATIC,
        )

    BadgeAward.objects.bulk_create([award(b, base["student"]) for b in badges])
    BadgeAward.objects.bulk_create([award(found["badge"], s) for s in students])
    BadgeProgress.objects.bulk_create(
        BadgeProgress(badge=found["badge"], user=s, percent=i % 100, state={}) for i, s in enumerate(students)
    )


def badge_targets(admin, base) -> dict:
    from apps.badges.openbadges.keys import signing_key_current
    from apps.badges.openbadges.services import issuer_ensure

    found = _base(admin, base)
    issuer, key = issuer_ensure(), signing_key_current()  # the first award makes them (a subscriber)
    return {
        "badge_id": found["badge"].pk,
        "badge_award_id": found["award"].pk,
        "badge_uid": found["badge"].uid,
        "badge_award_uid": found["award"].uid,
        "issuer_uid": issuer.uid,
        "signing_key_uid": key.uid,
    }
