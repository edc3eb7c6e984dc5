"""The audit trail's card on the dashboard (apps.core.dashboard, registered from AuditConfig.ready()): what
happened lately in the organization, in sentences, for those who may read the log (apps.audit.access)."""

from apps.core.dashboard import register_card

from .access import request_may_read
from .selectors import audit_entry_rows

SHOWN = 8


def recent_activity(request) -> dict:
    return {"recent": audit_entry_rows(limit=SHOWN, viewer=request.user)}


def register() -> None:
    register_card(
        "recent_activity",
        template="org/cards/recent_activity.html",
        context=recent_activity,
        visible=request_may_read,
        order=40,
    )
