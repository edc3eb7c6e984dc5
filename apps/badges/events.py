"""Events about badges (the catalog: apps.events.catalog, docs/events.md)."""

from datetime import datetime
from typing import Literal

from apps.events import declare

BADGE_AWARDED = declare(
    "badge.awarded",
    "A learner received a badge: earned when its criteria were met (from course.completed, "
    "assessment.graded and other badges' awards) or awarded by hand by staff. Raised once per award, "
    "however often the events that led to it are redelivered.",
    payload={
        "award_id": int,
        "award_uid": str,
        "badge_id": int,
        "user_id": int,
        "source": Literal["automatic", "manual"],
        "issued_at": datetime,
        "expires_at": datetime | None,
    },
)
BADGE_REVOKED = declare(
    "badge.revoked",
    "A badge award was revoked by staff, with a reason; its Open Badges assertion now answers 410 and is in "
    "the issuer's revocation list.",
    payload={"award_id": int, "award_uid": str, "badge_id": int, "user_id": int, "revoked_at": datetime},
)
