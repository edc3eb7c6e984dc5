"""Reads on the audit log (Org Admins only; the views check that)."""

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .describe import describe_entries
from .models import AuditEntry

USER_TYPE = "accounts.user"


def audit_entry_list(
    *, actor: str = "", action: str = "", target_type: str = "", date_from=None, date_to=None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if actor:
        entries = entries.filter(Q(actor_email__icontains=actor) | Q(actor__full_name__icontains=actor))
    if action:
        entries = entries.filter(action=action)
    if target_type:
        entries = entries.filter(target_type=target_type)
    zone = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        day_after = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
        entries = entries.filter(created_at__lt=day_after)
    return entries


@dataclass(frozen=True)
class Row:
    """An entry as pages show it: a sentence (`description`, HTML with links to what the viewer may open,
    and `description_text`), the people named by their current names, and the raw data."""

    entry: AuditEntry
    actor_name: str
    target_name: str
    target_user_id: int | None
    description: str = ""
    description_text: str = ""
    actor_url: str | None = None
    target_url: str | None = None
    described: bool = True  # False: the code has no sentence, the humanised code is shown

    @property
    def changes(self) -> str:
        if not self.entry.changes:
            return ""
        return json.dumps(self.entry.changes, ensure_ascii=False, sort_keys=True)

    @property
    def changes_pretty(self) -> str:
        """The payload as indented JSON (for the "Raw data" of each row)."""
        if self.entry.changes in ({}, [], None, ""):
            return ""
        return json.dumps(self.entry.changes, ensure_ascii=False, sort_keys=True, indent=2, default=str)


def rows_for(entries, *, viewer=None) -> list[Row]:
    """Entries with their sentences and people named by their current names, in one query per kind of object
    the page names (links only to what `viewer` may open; no viewer, no links)."""
    entries = list(entries)
    rows = []
    for entry, description in zip(entries, describe_entries(entries, viewer=viewer), strict=True):
        actor, target = description.actor, description.target
        actor_name = actor.name if entry.actor_id or entry.actor_email else _("System")
        target_user = entry.target_type == USER_TYPE and target.exists
        rows.append(
            Row(
                entry,
                actor_name,
                target.name if (entry.target_type or entry.target_repr) else "",
                int(entry.target_id) if target_user else None,
                description.html,
                description.text,
                actor.url,
                target.url,
                description.known,
            )
        )
    return rows


def audit_entry_rows(*, limit: int, target=None, viewer=None) -> list[Row]:
    """The latest entries (about `target`, if given), for dashboards and detail pages."""
    entries = AuditEntry.objects.all()
    if target is not None:
        entries = entries.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    return rows_for(entries[:limit], viewer=viewer)
