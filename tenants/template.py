"""The template schema new organizations are cloned from, and the public tenant row.

`migrate_schemas` (our override) migrates the template whenever it migrates tenants, so a clone is always
at the latest migration.
"""

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_exists

from .models import Domain, Organization


def template_schema() -> str:
    return settings.TENANT_BASE_SCHEMA


def ensure_template_schema() -> bool:
    """Create the template schema if missing. Returns True when it was created."""
    name = template_schema()
    if schema_exists(name):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{name}"')
    return True


def ensure_public_tenant() -> Organization:
    """The public schema is itself a tenant row (django-tenants routes BASE_DOMAIN through it)."""
    public = settings.PUBLIC_SCHEMA_NAME
    organization, _ = Organization.objects.get_or_create(
        schema_name=public,
        defaults={"name": "LearnStack platform", "slug": public, "status": Organization.Status.ACTIVE,
                  "admin_email": "platform@localhost"},
    )
    domain = Domain.objects.filter(tenant=organization, is_primary=True).first()
    if domain is None:
        Domain.objects.create(tenant=organization, domain=settings.BASE_HOST, is_primary=True)
    elif domain.domain != settings.BASE_HOST:
        domain.domain = settings.BASE_HOST
        domain.save()
    return organization
