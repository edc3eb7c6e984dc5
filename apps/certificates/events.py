"""Events about certificates (the catalog: apps.events.catalog, docs/events.md)."""

from datetime import datetime
from typing import Literal

from apps.events import declare

_CERTIFICATE = {
    "certificate_id": int,
    "verify_uuid": str,
    "user_id": int,
    "course_id": int | None,
    "assessment_id": int | None,
}

CERTIFICATE_ISSUED = declare(
    "certificate.issued",
    "A certificate was issued to a learner: automatically when they completed a course or passed a quiz "
    "whose rule issues one, by hand, in bulk, or as a recertification of an earlier one (`replaces_id`).",
    payload={
        **_CERTIFICATE,
        "source": Literal["automatic", "manual", "bulk", "recertification"],
        "replaces_id": int | None,
        "issued_at": datetime,
        "expires_at": datetime | None,
    },
)
CERTIFICATE_REVOKED = declare(
    "certificate.revoked",
    "A certificate was revoked by staff, with a reason; its verification page and API now say revoked.",
    payload={**_CERTIFICATE, "revoked_at": datetime},
)
CERTIFICATE_REISSUED = declare(
    "certificate.reissued",
    "A certificate was printed again from a newer version of its template (same code and link).",
    payload={**_CERTIFICATE, "revision": int},
)
CERTIFICATE_VERIFIED = declare(
    "certificate.verified",
    "Someone looked a certificate up on its public verification page or API (no personal data).",
    payload={**_CERTIFICATE, "channel": Literal["page", "api"]},
)
