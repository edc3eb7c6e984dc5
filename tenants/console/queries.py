"""Reads the console needs on top of tenants.selectors (which the platform API shares)."""

import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import QuerySet

from tenants import selectors
from tenants.models import Organization, OrganizationEvent, Plan

logger = logging.getLogger(__name__)


def console_organization_list(*, search: str = "", status: str = "", plan: Plan | None = None) -> QuerySet:
    return selectors.organization_list(search=search, status=status, plan=plan).order_by("name", "pk")


@dataclass(frozen=True)
class UsageRow:
    """One organization with its usage: `counts` by name, and `cells` as (column, value) pairs in the order
    of usage_columns(), ready for table cells (value None when usage could not be counted)."""

    organization: Organization
    counts: dict[str, int]
    cells: list[tuple[str, int | None]]

    @property
    def labelled(self) -> list[tuple[str, str, int | None]]:
        """(name, label, value) for each counter."""
        return [(name, selectors.USAGE_LABELS[name], value) for name, value in self.counts.items()]


def usage_columns() -> list[str]:
    """Column headings, in the order of each row's cells."""
    return [selectors.USAGE_LABELS[name] for name in selectors.USAGE_COUNTERS]


def organization_rows(organizations: list[Organization]) -> tuple[list[UsageRow], bool]:
    """The page's organizations with their usage, counted in one query. Returns (rows, usage_available):
    if counting fails (a schema being dropped, a counter whose table is not migrated yet) the page still
    renders, without numbers, instead of failing as a whole."""
    columns = list(selectors.USAGE_LABELS.items())
    try:
        with transaction.atomic():  # a savepoint: a failed count must not break the request's transaction
            usage = selectors.organization_usage(organizations)
        available = True
    except DatabaseError:
        logger.exception("Counting usage for %d organizations failed", len(organizations))
        usage, available = {}, False
    rows = []
    for org in organizations:
        counts = usage.get(org.pk, {})
        rows.append(UsageRow(org, counts, [(label, counts.get(name)) for name, label in columns]))
    return rows, available


def recent_provisioning(*, limit: int = 8) -> list[OrganizationEvent]:
    return list(OrganizationEvent.objects.filter(action=OrganizationEvent.Action.PROVISIONED)[:limit])


def recent_failures(*, limit: int = 8) -> list[OrganizationEvent]:
    return list(OrganizationEvent.objects.filter(action=OrganizationEvent.Action.PROVISION_FAILED)[:limit])
