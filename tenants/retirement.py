"""What happens to a deleted organization's slug, files and cached entries.

Deleting an organization drops its schema (people, sessions, the token blacklist, API keys, email
verification keys go with it), and then, once that has committed:

- its uploads under `<schema>/` are removed from the media storage (filesystem or S3);
- every entry of the tenant caches under its schema's prefix is removed (django-tenants prefixes keys with
  the schema name, which a later organization of the same slug would share).

Its slug is retired for ORGANIZATION_SLUG_QUARANTINE_DAYS: provisioning refuses it with a field error until
then. After that a new organization may take it; it gets a new uid, so no token, session or link of the old
one is accepted there (tenants/identity.py). The quarantine covers what is not bound to the uid: Celery
tasks still queued or retrying for the old schema, cached values, and anything a future module forgets to
bind. `check_quarantine` (a system check) warns when it is shorter than what the platform hands out lives.
"""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.utils import timezone

logger = logging.getLogger(__name__)

TENANT_KEY_FUNCTION = "django_tenants.cache.make_key"


def slug_quarantined_until(slug: str):
    """When the slug of a deleted organization may be taken again, or None if it may be now."""
    from .models import OrganizationEvent

    days = settings.ORGANIZATION_SLUG_QUARANTINE_DAYS
    if days <= 0:
        return None
    deleted_at = (
        OrganizationEvent.objects.filter(org_slug=slug, action=OrganizationEvent.Action.DELETED)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if deleted_at is None:
        return None
    until = deleted_at + timedelta(days=days)
    return until if timezone.now() < until else None


def slug_quarantine_problem(slug: str) -> str | None:
    until = slug_quarantined_until(slug)
    if until is None:
        return None
    return (
        f"This slug belonged to an organization that was deleted; it can be used again from "
        f"{until:%Y-%m-%d %H:%M} UTC. Choose another one."
    )


def delete_tenant_media(schema_name: str) -> None:
    """Remove every stored file under `<schema_name>/` from the default storage."""
    from django.core.files.storage import default_storage

    try:
        root = default_storage.path(schema_name)
    except NotImplementedError:  # object storage: no local path, walk and delete
        _delete_tree(default_storage, schema_name)
    else:
        shutil.rmtree(root, ignore_errors=True)


def _delete_tree(storage, prefix: str) -> None:
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        storage.delete(f"{prefix}/{name}")
    for name in directories:
        _delete_tree(storage, f"{prefix}/{name}")


def tenant_cache_aliases() -> list[str]:
    return [
        alias for alias, spec in settings.CACHES.items() if spec.get("KEY_FUNCTION") == TENANT_KEY_FUNCTION
    ]


def purge_tenant_cache(schema_name: str) -> None:
    """Remove every entry stored under `schema_name`'s prefix from the tenant-prefixed caches."""
    prefix = f"{schema_name}:"
    for alias in tenant_cache_aliases():
        cache = caches[alias]
        backend = type(cache).__name__
        if backend == "LocMemCache":
            with cache._lock:
                for key in [key for key in cache._cache if key.startswith(prefix)]:
                    cache._delete(key)
        elif backend == "RedisCache":
            client = cache._cache.get_client(None, write=True)
            batch = []
            for key in client.scan_iter(match=f"{prefix}*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.delete(*batch)
                    batch = []
            if batch:
                client.delete(*batch)
        else:  # no way to list one tenant's keys: drop them all rather than let any serve another tenant
            logger.warning("Clearing the whole %r cache (%s) after deleting %s", alias, backend, schema_name)
            cache.clear()


def longest_lifetimes() -> dict[str, timedelta]:
    jwt = settings.SIMPLE_JWT
    return {
        "SESSION_COOKIE_AGE": timedelta(seconds=settings.SESSION_COOKIE_AGE),
        "JWT refresh tokens": jwt["REFRESH_TOKEN_LIFETIME"],
        "JWT access tokens": jwt["ACCESS_TOKEN_LIFETIME"],
        "PASSWORD_RESET_TIMEOUT (invitation and reset links)": timedelta(
            seconds=settings.PASSWORD_RESET_TIMEOUT
        ),
        "ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS": timedelta(
            days=settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS
        ),
    }


@checks.register(checks.Tags.security)
def check_quarantine(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    quarantine = timedelta(days=settings.ORGANIZATION_SLUG_QUARANTINE_DAYS)
    longer = [name for name, lifetime in longest_lifetimes().items() if lifetime > quarantine]
    if not longer:
        return []
    return [
        checks.Warning(
            f"ORGANIZATION_SLUG_QUARANTINE_DAYS ({settings.ORGANIZATION_SLUG_QUARANTINE_DAYS}) is shorter than "
            f"the lifetime of: {', '.join(longer)}.",
            hint="A deleted organization's slug should stay retired longer than anything it handed out lives.",
            id="tenants.W001",
        )
    ]
