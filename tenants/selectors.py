"""Reads on organizations for the console and the platform API."""

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from .models import Domain, Organization, OrganizationEvent, OrganizationSettings


def organization_list(*, search: str = "", status: str = "", plan=None) -> QuerySet[Organization]:
    queryset = (
        Organization.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .select_related("subscription__plan", "settings")
        .prefetch_related("domains")
    )
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search)
            | Q(slug__icontains=search)
            | Q(admin_email__icontains=search)
            | Q(domains__domain__icontains=search)
        ).distinct()
    if status:
        queryset = queryset.filter(status=status)
    if plan is not None:
        queryset = queryset.filter(subscription__plan=plan)
    return queryset


def organization_get(*, pk) -> Organization | None:
    try:
        return organization_list().get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        return None


def organization_domains(*, organization: Organization) -> QuerySet[Domain]:
    """The organization's domains, the primary first (each with its organization, to tell its own address)."""
    return (
        Domain.objects.filter(tenant_id=organization.pk)
        .select_related("tenant")
        .order_by("-is_primary", "domain")
    )


def organization_domain_get(*, organization: Organization, pk) -> Domain | None:
    """One of the organization's domains; None for another organization's or an unknown one."""
    try:
        return organization_domains(organization=organization).get(pk=pk)
    except (Domain.DoesNotExist, ValueError, TypeError):
        return None


def organization_settings_get(*, organization: Organization) -> OrganizationSettings:
    """The settings of `organization`: its stored row, or (for one provisioned before settings existed) the
    defaults, unsaved. A read writes nothing; `organization_settings_update` stores the row on the first
    change."""
    stored = OrganizationSettings.objects.filter(organization_id=organization.pk).first()
    return stored or OrganizationSettings(organization=organization, display_name=organization.name)


def organization_events(*, organization: Organization | None = None, limit: int = 50) -> QuerySet:
    queryset = OrganizationEvent.objects.select_related("organization")
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    return queryset[:limit]


def provisioning_events(*, limit: int = 10) -> QuerySet:
    return OrganizationEvent.objects.filter(
        action__in=[OrganizationEvent.Action.PROVISIONED, OrganizationEvent.Action.PROVISION_FAILED]
    )[:limit]


# Per-organization usage, counted inside each org's schema. Later apps add their tables here
# (courses, storage); one UNION ALL query serves a whole page of organizations.
USAGE_COUNTERS: dict[str, str] = {
    "users": 'SELECT count(*) FROM "{schema}"."accounts_user" WHERE status <> \'deactivated\'',
}


USAGE_LABELS: dict[str, str] = {"users": "Users"}


def register_usage_counter(name: str, sql_template: str, label: str = "") -> None:
    USAGE_COUNTERS[name] = sql_template
    USAGE_LABELS[name] = label or name.replace("_", " ").capitalize()


def organization_usage(organizations: list[Organization]) -> dict[int, dict[str, int]]:
    """{organization id: {"users": n, ...}} in a single query, whatever the number of organizations."""
    usage = {org.pk: dict.fromkeys(USAGE_COUNTERS, 0) for org in organizations}
    parts, params = [], []
    for org in organizations:
        for name, template in USAGE_COUNTERS.items():
            parts.append(f"SELECT %s, %s, ({template.format(schema=org.schema_name)})")
            params.extend([org.pk, name])
    if not parts:
        return usage
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for org_id, name, count in cursor.fetchall():
            usage[org_id][name] = count
    return usage
