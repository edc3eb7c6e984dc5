"""Which organization is this, for good: its `uid`, never its slug or schema name.

A slug (and the schema named after it) can belong to a new organization once a deleted one's quarantine
is over, and ids restart at 1 in every schema, so "user 1 of schema acme" names different people over
time. Everything the platform hands out to be presented back later is bound to the uid of the organization
that issued it and refused anywhere else:

- JWT access and refresh tokens carry it in their `org` claim (apps/core/api/authentication.py);
- a signed-in session records it at sign-in (apps/accounts/middleware.py signs out any other session);
- invitation and password-reset links hash it in (apps/accounts/tokens.py);
- email verification keys and API keys are random and stored in the organization's schema, so they die
  with it.

`current_organization()` costs no query on a request (the routing middleware put the organization on the
connection) or in a Celery task (tenant-schemas-celery does the same); inside a bare `schema_context` it
looks the organization up by schema.
"""

from __future__ import annotations

from django.db import connection

from .models import Organization


def current_organization() -> Organization | None:
    """The organization whose schema is active (the platform's own row on the public schema), or None."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organization) and tenant.pk and tenant.schema_name == connection.schema_name:
        return tenant
    return Organization.objects.filter(schema_name=connection.schema_name).first()


def current_organization_uid() -> str | None:
    organization = current_organization()
    return str(organization.uid) if organization is not None else None


def require_current_organization_uid() -> str:
    """As current_organization_uid, for code that must bind something to the organization: without one
    (a schema no organization owns) nothing may be issued."""
    uid = current_organization_uid()
    if uid is None:
        raise LookupError(f"No organization owns the schema {connection.schema_name!r}.")
    return uid


def organization_url(path: str) -> str:
    """`path` on the base URL of the organization whose schema is active (Organization.base_url: its primary
    domain, SITE_SCHEME and BASE_DOMAIN's port), for links sent out by email. Never built from the request's
    Host header, which the sender controls. Empty where no organization owns the schema."""
    organization = current_organization()
    return organization.url_for(path) if organization is not None else ""
