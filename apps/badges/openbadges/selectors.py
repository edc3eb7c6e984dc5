"""Reads of the Open Badges part.

The public documents are found by their uuid only (no sign-in): an issuer, a badge that is published (active
or archived) or has awards, an award (revoked ones too: they answer 410), a signing key. A uuid of another
organization is simply not in this schema, so it answers 404 like a missing one.

The learner downloads (the OB 2.0 assertion JSON and the OB 3.0 credential) are scoped by the viewer: a
learner reaches their own awards, staff the awards of the people they may see (apps.accounts'
visible_people: Teachers their classes, Branch Managers their branches, Org Admins everyone).
"""

import uuid

from django.db.models import Exists, OuterRef, Q

from apps.accounts.selectors import visible_people

from ..models import Badge, BadgeAward, IssuerProfile, SigningKey


def _uuid(value) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def issuer_current() -> IssuerProfile | None:
    return IssuerProfile.objects.order_by("pk").first()


def issuer_public(*, uid) -> IssuerProfile | None:
    uid = _uuid(uid)
    return IssuerProfile.objects.filter(uid=uid).first() if uid else None


def badge_public(*, uid) -> Badge | None:
    """A badge whose BadgeClass is public: active or archived, or a draft that was awarded (its assertions
    must keep resolving)."""
    uid = _uuid(uid)
    if uid is None:
        return None
    awarded = Exists(BadgeAward.objects.filter(badge=OuterRef("pk")))
    published = Q(status__in=[Badge.Status.ACTIVE, Badge.Status.ARCHIVED]) | Q(awarded)
    return Badge.objects.filter(published, uid=uid).prefetch_related("tags").first()


def award_public(*, uid) -> BadgeAward | None:
    uid = _uuid(uid)
    if uid is None:
        return None
    return (
        BadgeAward.objects.select_related("badge", "user")
        .prefetch_related("badge__tags")
        .filter(uid=uid)
        .first()
    )


def signing_key_public(*, uid) -> SigningKey | None:
    uid = _uuid(uid)
    return SigningKey.objects.filter(uid=uid).first() if uid else None


def signing_keys_published() -> list[SigningKey]:
    """Every key the organization ever signed with, newest first (retired keys still verify)."""
    return list(SigningKey.objects.order_by("-created_at", "-pk"))


def revoked_awards() -> list[BadgeAward]:
    return list(
        BadgeAward.objects.filter(revoked_at__isnull=False)
        .only("uid", "revocation_reason", "revoked_at")
        .order_by("revoked_at", "pk")
    )


def award_for_viewer(*, viewer, pk) -> BadgeAward | None:
    """An award the viewer may download: their own, or a person's they may see. None for anything else."""
    if not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    people = visible_people(viewer=viewer)
    return (
        BadgeAward.objects.select_related("badge", "user")
        .prefetch_related("badge__tags")
        .filter(pk=pk, user_id__in=people.values("pk"))
        .first()
    )
