"""Reads on the audit log (Org Admins only; the views check that)."""

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEntry

USER_TYPE = "accounts.user"


def audit_entry_list(
    *, actor: str = "", action: str = "", target_type: str = "", date_from=None, date_to=None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor")
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
    entry: AuditEntry
    actor_name: str
    target_name: str
    target_user_id: int | None

    @property
    def changes(self) -> str:
        if not self.entry.changes:
            return ""
        return json.dumps(self.entry.changes, ensure_ascii=False, sort_keys=True)


def _user_target(entry: AuditEntry) -> int | None:
    return int(entry.target_id) if entry.target_type == USER_TYPE and entry.target_id.isdigit() else None


def rows_for(entries) -> list[Row]:
    """Entries with people named by their current name (one query for all the people they mention)."""
    entries = list(entries)
    user_ids = {_user_target(e) for e in entries} - {None}
    people = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
    rows = []
    for entry in entries:
        target = people.get(_user_target(entry))
        actor_name = entry.actor.get_full_name() if entry.actor is not None else entry.actor_email or "System"
        rows.append(
            Row(
                entry,
                actor_name,
                target.get_full_name() if target else entry.target_repr,
                target.pk if target else None,
            )
        )
    return rows


def audit_entry_rows(*, limit: int, target=None) -> list[Row]:
    """The latest entries (about `target`, if given), for dashboards and detail pages."""
    entries = AuditEntry.objects.select_related("actor")
    if target is not None:
        entries = entries.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    return rows_for(entries[:limit])
