from django.db import models

from .context import current_origin
from .models import AuditEntry


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict | None = None,
    target_repr: str | None = None,
) -> AuditEntry:
    """Write one audit entry in the active organization's schema. Call inside the service's transaction,
    so the entry exists exactly when the change does."""
    origin = current_origin()
    is_user = getattr(actor, "pk", None) is not None
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr if target_repr is not None else str(target) if target is not None else "")[
            :255
        ],
        changes=changes or {},
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
    )
