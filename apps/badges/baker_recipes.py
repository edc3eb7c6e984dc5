"""model-bakery recipes for badges:

    baker.make_recipe("badges.badge")                     an active organization badge, manual only
    baker.make_recipe("badges.award", user=learner)       an award of a new badge to `learner`
    make_badge(name="Algebra", course=course, criteria=[{"kind": "course", "course": course}])
                                                          a badge with its criteria (status active by default)
    make_award(badge=badge, user=learner, expires_at=..., revoked=True, reason="...")
                                                          an award as the awarding service leaves it (hashed
                                                          recipient, salt), optionally revoked

Test-only helpers: model_bakery imports this module when a test asks for a recipe (model-bakery is a dev
dependency); the product never imports it. They write rows directly, as the services would leave them, and
raise no events.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from model_bakery import baker
from model_bakery.recipe import Recipe

from .models import Badge, BadgeAward, BadgeCriterion
from .openbadges.identity import hashed_identity, new_salt, normalized_email


def make_badge(
    *,
    name: str | None = None,
    description: str = "A badge for doing well.",
    status: str = Badge.Status.ACTIVE,
    course=None,
    criteria: list[dict] | None = None,
    criteria_mode: str = Badge.Mode.ALL,
    criteria_narrative: str = "Do the work.",
    expiry: str = Badge.Expiry.NONE,
    expires_on=None,
    expires_after_days: int | None = None,
    alignment: list | None = None,
    tags=(),
    created_by=None,
    **fields,
) -> Badge:
    """A badge with `criteria`: a list of dicts with the BadgeCriterion fields ({"kind": "course", "course":
    course}, {"kind": "quiz", "assessment": quiz, "min_percent": 90}, {"kind": "badges", "required_badges":
    [a, b]}, ...); a single manual criterion when None."""
    badge = Badge.objects.create(
        name=name or f"Badge {Badge.objects.count() + 1}",
        description=description,
        status=status,
        course=course,
        criteria_mode=criteria_mode,
        criteria_narrative=criteria_narrative,
        expiry=expiry,
        expires_on=expires_on,
        expires_after_days=expires_after_days,
        alignment=alignment or [],
        created_by=created_by,
        **fields,
    )
    if tags:
        badge.tags.set(tags)
    for position, spec in enumerate(criteria if criteria is not None else [{"kind": "manual"}]):
        spec = dict(spec)
        required = spec.pop("required_badges", ())
        criterion = BadgeCriterion.objects.create(badge=badge, position=position, **spec)
        if required:
            criterion.required_badges.set(required)
    return badge


def make_award(
    *,
    badge: Badge | None = None,
    user=None,
    source: str = BadgeAward.Source.AUTOMATIC,
    issued_at=None,
    expires_at=None,
    awarded_by=None,
    note: str = "",
    evidence_url: str = "",
    evidence_narrative: str = "",
    revoked: bool = False,
    reason: str = "Awarded by mistake.",
    revoked_by=None,
) -> BadgeAward:
    """An award of `badge` (a new active badge by default) to `user` (a new student by default), its
    recipient hashed as the awarding service does; `expires_at` from the badge unless given."""
    badge = badge or make_badge()
    user = user or baker.make_recipe("accounts.student")
    issued_at = issued_at or timezone.now()
    if expires_at is None:
        if badge.expiry == Badge.Expiry.DAYS and badge.expires_after_days:
            expires_at = issued_at + timedelta(days=badge.expires_after_days)
        elif badge.expiry == Badge.Expiry.DATE and badge.expires_on:
            expires_at = timezone.make_aware(datetime.combine(badge.expires_on, time.max))
    email = normalized_email(user.email)
    salt = new_salt()
    return BadgeAward.objects.create(
        badge=badge,
        user=user,
        recipient_email=email,
        salt=salt,
        identity_hash=hashed_identity(email, salt),
        issued_at=issued_at,
        expires_at=expires_at,
        source=source,
        awarded_by=awarded_by,
        note=note,
        evidence_url=evidence_url,
        evidence_narrative=evidence_narrative,
        revoked_at=timezone.now() if revoked else None,
        revoked_by=revoked_by if revoked else None,
        revocation_reason=reason if revoked else "",
    )


class BadgeRecipe(Recipe):
    def make(self, _quantity=None, **attrs):
        if _quantity is not None:
            return [self.make(**attrs) for _ in range(_quantity)]
        attrs = {key: value for key, value in attrs.items() if not key.startswith("_")}  # baker's own
        return make_badge(**attrs)


class AwardRecipe(Recipe):
    def make(self, _quantity=None, **attrs):
        if _quantity is not None:
            return [self.make(**attrs) for _ in range(_quantity)]
        attrs = {key: value for key, value in attrs.items() if not key.startswith("_")}
        return make_award(**attrs)


badge = BadgeRecipe(Badge)
award = AwardRecipe(BadgeAward)
